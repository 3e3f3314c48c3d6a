"""The arithmetic of benchmarks/compare.py: floors, ratios and merged rounds."""

import pytest


@pytest.fixture(scope="module")
def compare(load_benchmark):
    return load_benchmark("compare")


def _gemm(tensorflow, jax, numpy=150.0):
    rates = {"tensorflow": tensorflow, "jax": jax, "numpy": numpy}
    return {
        "name": "gemm",
        "gflops": {lib: {"a": 2 * r, "network": r} for lib, r in rates.items()},
        "peak_rss_mb": 100.0,
    }


def _row(backend, fit_s_per_epoch):
    figures = dict.fromkeys(
        ["first_epoch_s", "fit_s", "predict_test_ms", "predict_1_ms"], 1.0
    )
    figures.update(baseline_rss_mb=10.0, peak_rss_mb=20.0, process_s=5.0)
    return {
        "name": "skmnist",
        "backend": backend,
        "fit_s_per_epoch": fit_s_per_epoch,
        "accuracy": 0.97,
        **figures,
    }


def test_floor_is_three_forward_passes_at_the_network_rate(compare):
    # 784-256-128-10: 2 * (784*256 + 256*128 + 128*10) FLOPs per sample.
    assert compare._forward_flops_per_sample() == 469_504
    assert compare._floor_seconds(100.0, 60_000) == pytest.approx(
        3 * 469_504 * 60_000 / 100e9
    )


def test_each_round_is_divided_by_its_own_rounds_floor(compare):
    gemms = [_gemm(tensorflow=100.0, jax=200.0), _gemm(tensorflow=50.0, jax=100.0)]
    floor_tf = [compare._floor_seconds(r, 60_000) for r in (100.0, 50.0)]
    rows = [_row("tensorflow", 1.0), _row("tensorflow", 1.5)]
    compare._add_floor_ratios(rows, gemms, 60_000)
    assert [row["floor_ratio"] for row in rows] == pytest.approx(
        [1.0 / floor_tf[0], 1.5 / floor_tf[1]]
    )
    merged = compare._merge_rounds(rows)
    assert merged["floor_ratio_rounds"] == pytest.approx(
        [row["floor_ratio"] for row in rows]
    )
    assert merged["floor_ratio"] == pytest.approx(
        (1.0 / floor_tf[0] + 1.5 / floor_tf[1]) / 2
    )
    # The JAX row of the same rounds uses JAX's rate, MLP's NumPy's.
    jax_rows = [_row("jax", 0.5), _row("jax", 0.5)]
    compare._add_floor_ratios(jax_rows, gemms, 60_000)
    assert jax_rows[0]["floor_ratio"] == pytest.approx(
        0.5 / compare._floor_seconds(200.0, 60_000)
    )
    mlp = [_row("numpy", 2.0)]
    compare._add_floor_ratios(mlp, gemms[:1], 60_000)
    assert mlp[0]["floor_ratio"] == pytest.approx(
        2.0 / compare._floor_seconds(150.0, 60_000)
    )


def test_a_failed_round_leaves_no_floor_ratio(compare):
    rows = [_row("tensorflow", 1.0), _row("tensorflow", 1.0)]
    gemms = [_gemm(100.0, 200.0), {"name": "gemm", "error": "crashed"}]
    compare._add_floor_ratios(rows, gemms, 60_000)
    assert "floor_ratio" in rows[0] and "floor_ratio" not in rows[1]
    merged = compare._merge_rounds(rows)
    assert "floor_ratio" not in merged
    assert compare._merge_gemms(gemms) == gemms[1]


def test_gemm_rates_merge_to_their_medians(compare):
    gemms = [_gemm(100.0, 200.0), _gemm(50.0, 300.0), _gemm(80.0, 100.0)]
    merged = compare._merge_gemms(gemms)
    assert merged["gflops"]["tensorflow"] == {"a": 160.0, "network": 80.0}
    assert merged["gflops"]["jax"]["network"] == 200.0
    assert merged["gflops_rounds"] == [gemm["gflops"] for gemm in gemms]
    report = "\n".join(compare._gemm_lines(merged, 60_000))
    assert "tensorflow 100.0, 50.0, 80.0" in report
    floor = compare._floor_seconds(80.0, 60_000)
    assert f"tensorflow {floor:.3f} s" in report


def test_gemm_rate_takes_the_faster_method_per_product(compare, monkeypatch):
    import numpy as np

    # Every call timed at 1 ms (no clock: the arithmetic, not this machine).
    # The same call claimed as 1 and as 1000 products: the rate is the
    # second's, 1000 times the first's.
    monkeypatch.setattr(
        compare, "_timings", lambda call, repeats, inner=1: [1e-3] * repeats
    )
    one = compare._time_gemms([(np.matmul, 1)], lambda x: x, lambda c: c, 5)
    both = compare._time_gemms(
        [(np.matmul, 1), (np.matmul, 1000)], lambda x: x, lambda c: c, 5
    )
    assert set(both) == {
        *(f"128x{k} @ {k}x{n}" for k, n in [(784, 256), (256, 128), (128, 10)]),
        "network",
        compare.BEST_BLOCK,
    }
    for key in one:
        assert both[key] == pytest.approx(1000 * one[key])


def test_gemm_rate_is_the_median_blocks_and_the_best_is_kept(compare, monkeypatch):
    # Blocks of 1, 2 and 4 ms per product: the rate is the 2 ms block's, the
    # best-block rate the 1 ms block's, twice it.
    monkeypatch.setattr(
        compare, "_timings", lambda call, repeats, inner=1: [4e-3, 1e-3, 2e-3]
    )
    rates = compare._time_gemms([(lambda a, b: None, 1)], lambda x: x, id, 3)
    flops = [2 * m * k * n for m, k, n in compare._gemm_shapes()]
    assert rates["128x784 @ 784x256"] == pytest.approx(flops[0] / 2e-3 / 1e9)
    assert rates["network"] == pytest.approx(sum(flops) / (3 * 2e-3) / 1e9)
    assert rates[compare.BEST_BLOCK] == pytest.approx(2 * rates["network"])


def test_best_block_floor_ratios_are_kept_beside_the_floors(compare):
    gemms = [_gemm(100.0, 200.0), _gemm(50.0, 100.0)]
    for gemm, best in zip(gemms, (400.0, 300.0)):
        gemm["gflops"]["jax"][compare.BEST_BLOCK] = best
    rows = [_row("jax", 0.5), _row("jax", 0.6)]
    compare._add_floor_ratios(rows, gemms, 60_000)
    best = [0.5 / compare._floor_seconds(400.0, 60_000)]
    best.append(0.6 / compare._floor_seconds(300.0, 60_000))
    merged = compare._merge_rounds(rows)
    assert merged["best_block_floor_ratio_rounds"] == pytest.approx(best)
    assert merged["best_block_floor_ratio"] == pytest.approx(sum(best) / 2)
    assert merged["floor_ratio"] < merged["best_block_floor_ratio"]
    table = "\n".join(compare._table([merged], []))
    assert "at the best block's rate " + ", ".join(f"{v:.2f}x" for v in best) in table
    report = "\n".join(compare._gemm_lines(compare._merge_gemms(gemms), 60_000))
    floor = compare._floor_seconds(350.0, 60_000)
    assert f"(at the best block's rate: jax {floor:.3f} s)" in report


def test_import_cost_is_the_median_of_alternated_pairs(compare, monkeypatch):
    # Fresh processes alternate sklearn, skmnist, sklearn, ...; the cost is
    # the median of each pair's difference, not the difference of medians.
    durations = iter([1.0, 1.2, 3.0, 3.1, 1.1, 1.4])  # pairs: +0.2, +0.1, +0.3
    now = [0.0]

    class Proc:
        stdout = "NO-TF\n"

    def fake_run(command, **kwargs):
        now[0] += next(durations)
        return Proc()

    monkeypatch.setattr(compare.time, "perf_counter", lambda: now[0])
    monkeypatch.setattr(compare.subprocess, "run", fake_run)
    monkeypatch.setattr(compare.os.path, "exists", lambda path: False)
    times = compare._import_times(3)
    assert times["sklearn"] == pytest.approx(1.1)
    assert times["skmnist"] == pytest.approx(1.4)
    assert times["skmnist_cost"] == pytest.approx(0.2)
    assert times["skmnist_imports_tensorflow"] is False
    (line,) = compare._import_lines(times)
    assert "3 alternated pairs" in line and "+0.20 s" in line
