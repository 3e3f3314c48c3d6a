"""The MNIST family: one record per data set (files, URLs, checksums, names).

A :class:`DataSet` says everything the shared loader needs to know about one
data set: its files, where to download them and the checksums they are
verified against, the environment variable and cache folder, the class names
and labels, the description file, and whether its images are stored
transposed (EMNIST).
"""

import string
from dataclasses import dataclass, field

__all__ = ["DATASETS", "EMNIST_SPLITS", "DataSet", "dataset_names", "get_dataset"]

_MNIST_STEMS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _sha256(*digests):
    """SHA256 digests of the four IDX files, in ``_MNIST_STEMS``' order."""
    names = [f"{stem}.gz" for pair in _MNIST_STEMS.values() for stem in pair]
    return {name: ("sha256", digest) for name, digest in zip(names, digests)}


@dataclass
class DataSet:
    """What the loader needs to know about one data set of the family.

    ``checksums`` maps each downloaded file name to ``(algorithm, hex
    digest)``, ``algorithm`` being ``"sha256"`` or ``"md5"``: the digest the
    data set's publishers (or a well-kept downloader) list for the original
    file. ``archive``, when set, is the one file that is downloaded and that
    holds every IDX file as a member ``archive_prefix + stem + ".gz"``.
    """

    name: str
    title: str
    env_var: str
    cache_folder: str
    stems: dict
    mirrors: tuple
    checksums: dict
    target_names: tuple
    descr: str
    label_offset: int = 0
    transposed: bool = False
    archive: str | None = None
    archive_prefix: str = ""
    npz: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n_classes(self):
        return len(self.target_names)

    @property
    def label_range(self):
        """The smallest and largest label the files may hold."""
        return self.label_offset, self.label_offset + self.n_classes - 1

    def downloads(self, stems):
        """The file names to download for the IDX files ``stems``."""
        if self.archive is not None:
            return [self.archive]
        return [f"{stem}.gz" for stem in stems]


MNIST = DataSet(
    name="mnist",
    title="MNIST",
    env_var="SKMNIST_DATA",
    cache_folder="mnist",
    stems=_MNIST_STEMS,
    # Tried in order: torchvision's mirror, then TensorFlow's. Both serve the
    # original gzipped files of LeCun et al.
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
    # SHA256 of the original gzipped files. Source: tensorflow/datasets
    # url_checksums/mnist.txt, the same four values as ankane/torchvision-ruby
    # lib/torchvision/datasets/mnist.rb. The three test/label hashes were also
    # recomputed here on byte-identical copies of the originals (md5
    # d53e105e..., 9fb629c4..., ec29112d..., as torchvision lists them).
    checksums=_sha256(
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
    target_names=tuple(range(10)),
    descr="mnist.rst",
    npz="mnist.npz",
)

FASHION_MNIST = DataSet(
    name="fashion-mnist",
    title="Fashion-MNIST",
    env_var="SKMNIST_FASHION_MNIST_DATA",
    cache_folder="fashion-mnist",
    stems=_MNIST_STEMS,
    # The official download (zalandoresearch/fashion-mnist README), then the
    # same files in the official repository.
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
    ),
    # SHA256 of the original files as two unrelated downloaders in public
    # code verify them (Connor Olding's "mnists" script, which also lists
    # MNIST's four digests above, and a Python FashionMNIST class that
    # downloads from the same S3 address); not published by Zalando, whose
    # README lists MD5s (8d4fb7e6..., 25c81989..., bef4ecab..., bb300cfd...).
    checksums=_sha256(
        "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
        "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
        "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
        "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
    ),
    target_names=tuple(
        "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,"
        "Ankle boot".split(",")
    ),
    descr="fashion_mnist.rst",
)

KMNIST = DataSet(
    name="kmnist",
    title="Kuzushiji-MNIST",
    env_var="SKMNIST_KMNIST_DATA",
    cache_folder="kmnist",
    stems=_MNIST_STEMS,
    # rois-codh/kmnist README: the "MNIST format" (IDX) downloads; the same
    # data also exist as .npz files, which this loader does not read.
    mirrors=("http://codh.rois.ac.jp/kmnist/dataset/kmnist/",),
    # SHA256 as listed by ankane/torchvision-ruby (kmnist.rb); torchvision
    # lists the MD5s bdb82020..., e144d726..., 5c965bf0..., 7320c461....
    checksums=_sha256(
        "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4",
        "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17",
        "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5",
        "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c",
    ),
    # Romanised (kmnist_classmap.csv), so that any font draws them; the
    # hiragana are in ``extra["target_characters"]`` and the Bunch.
    target_names=("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
    descr="kmnist.rst",
    # o, ki, su, tsu, na, ha, ma, ya, re, wo.
    extra={
        "target_characters": tuple(
            "\u304a\u304d\u3059\u3064\u306a\u306f\u307e\u3084\u308c\u3092"
        )
    },
)

_DIGITS = tuple(string.digits)
_BALANCED = _DIGITS + tuple(string.ascii_uppercase) + tuple("abdefghnqrt")

#: EMNIST's splits: (class names, label offset). ``letters`` labels run from
#: 1 (A/a) to 26 (Z/z) in the files; the loader returns them from 0.
EMNIST_SPLITS = {
    "digits": (_DIGITS, 0),
    "letters": (tuple(string.ascii_uppercase), 1),
    "balanced": (_BALANCED, 0),
    "bymerge": (_BALANCED, 0),
    "byclass": (_DIGITS + tuple(string.ascii_uppercase + string.ascii_lowercase), 0),
    "mnist": (_DIGITS, 0),
}


#: One gzip.zip holds every split. No SHA256 of it is published; torchvision
#: verifies this MD5. One record, shared by the six splits.
_EMNIST_CHECKSUMS = {"gzip.zip": ("md5", "58c8d27c78d21e728a6bc7b3cc06412e")}


def _emnist(split):
    target_names, offset = EMNIST_SPLITS[split]
    return DataSet(
        name=f"emnist-{split}",
        title=f"EMNIST ({split})",
        env_var="SKMNIST_EMNIST_DATA",
        cache_folder="emnist",
        stems={
            subset: tuple(
                f"emnist-{split}-{subset}-{kind}"
                for kind in ("images-idx3-ubyte", "labels-idx1-ubyte")
            )
            for subset in ("train", "test")
        },
        mirrors=("https://biometrics.nist.gov/cs_links/EMNIST/",),
        checksums=_EMNIST_CHECKSUMS,
        target_names=target_names,
        descr="emnist.rst",
        label_offset=offset,
        transposed=True,
        archive="gzip.zip",
        archive_prefix="gzip/",
    )


#: Every data set the loaders know, by the name ``skmnist train --dataset``
#: takes.
DATASETS = {
    spec.name: spec
    for spec in (
        MNIST,
        FASHION_MNIST,
        KMNIST,
        *(_emnist(split) for split in EMNIST_SPLITS),
    )
}


def dataset_names():
    """The names of the data sets, in the registry's order."""
    return list(DATASETS)


def get_dataset(name):
    """The :class:`DataSet` called ``name``; a ValueError lists the valid names."""
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown data set {name!r}; valid names are: {', '.join(dataset_names())}."
        ) from None
