"""The machine a benchmark ran on, as its results record it.

Shared by the benchmark scripts (their folder is on ``sys.path`` when one
runs): ``compare.py`` records :func:`describe_machine`, ``accuracy.py`` and
``family.py`` the one line of :func:`machine_line`.
"""

import os
import platform

from skmnist._versions import installed_version

__all__ = ["cpu_name", "describe_machine", "machine_line"]


def cpu_name():
    """The CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine(packages):
    """CPU, cores (all and usable), Python and the versions of ``packages``."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {
        package: installed_version(package) or "not installed" for package in packages
    }
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "versions": versions,
    }


def machine_line():
    """``"<CPU>, <n> cores, Python <version>"``, for a results table."""
    return f"{cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}"
