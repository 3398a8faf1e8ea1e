"""A memory-limited cgroup made for one test or benchmark run (cgroup v2 or v1, whichever the
machine has), with the counters that tell whether the kernel had to step in.

Used by tests/integration/cgroup_limit_test.py and bench/memory_limit.py. Needs root (or a
delegated cgroup subtree). The group is made as a child of this process's own memory cgroup
when that is possible, so that a session's accounting still covers it, else at the hierarchy's
root; it is removed again by close() (processes still in it are moved to its parent first).
"""
import os
import subprocess
import time

CGROUP_ROOT = "/sys/fs/cgroup"


class CgroupUnavailable(RuntimeError):
    """No memory cgroup can be made here (no cgroup filesystem, not root, no delegation)."""


def cgroup_version(root=CGROUP_ROOT):
    """"v2" for the unified hierarchy, "v1" for the legacy memory controller, else None."""
    if os.path.exists(os.path.join(root, "cgroup.controllers")):
        return "v2"
    if os.path.isdir(os.path.join(root, "memory")):
        return "v1"
    return None


def own_cgroup_path(controller):
    """This process's path in a v1 controller's hierarchy, or in v2 (controller "")."""
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if controller == "" and controllers == "":
                return path
            if controller and controller in controllers.split(","):
                return path
    return "/"


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _keyed(path):
    """A flat keyed file ("oom_kill 0" lines) as a dict of ints."""
    out = {}
    for line in _read(path).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            out[parts[0]] = int(parts[1])
    return out


class MemoryCgroup:
    """A fresh memory cgroup with a hard limit of `limit_bytes` and no swap."""

    def __init__(self, limit_bytes, prefix="respcache-test"):
        self.version = cgroup_version()
        if self.version is None:
            raise CgroupUnavailable(f"no cgroup filesystem at {CGROUP_ROOT}")
        self.limit = limit_bytes
        name = f"{prefix}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
        errors = []
        for parent in self._parent_candidates():
            path = os.path.join(parent, name)
            try:
                self._make(parent, path)
                self.path = path
                return
            except OSError as e:
                errors.append(f"{path}: {e}")
                try:
                    os.rmdir(path)
                except OSError:
                    pass
        raise CgroupUnavailable("cannot make a memory cgroup: " + "; ".join(errors))

    def _parent_candidates(self):
        if self.version == "v1":
            hierarchy = os.path.join(CGROUP_ROOT, "memory")
            own = os.path.join(hierarchy, own_cgroup_path("memory").lstrip("/"))
        else:
            hierarchy = CGROUP_ROOT
            # v2 forbids processes in a group whose children have controllers, so this
            # process's own group cannot be the parent; its parent can.
            own = os.path.dirname(os.path.join(hierarchy, own_cgroup_path("").lstrip("/")))
        candidates = [own] if os.path.isdir(own) and own != hierarchy else []
        return candidates + [hierarchy]

    def _make(self, parent, path):
        if self.version == "v2":
            controllers = _read(os.path.join(parent, "cgroup.subtree_control")).split()
            if "memory" not in controllers:
                _write(os.path.join(parent, "cgroup.subtree_control"), "+memory")
        os.mkdir(path)
        if self.version == "v1":
            _write(os.path.join(path, "memory.limit_in_bytes"), str(self.limit))
            swap = os.path.join(path, "memory.memsw.limit_in_bytes")
            if os.path.exists(swap):  # memory+swap = memory: the limit is RAM, not RAM + swap
                _write(swap, str(self.limit))
        else:
            _write(os.path.join(path, "memory.max"), str(self.limit))
            if os.path.exists(os.path.join(path, "memory.swap.max")):
                _write(os.path.join(path, "memory.swap.max"), "0")

    def _file(self, v1_name, v2_name):
        return os.path.join(self.path, v1_name if self.version == "v1" else v2_name)

    def popen(self, argv, **kwargs):
        """Starts argv inside the group: the child joins it before exec, so the program sees the
        limit from its first instruction."""
        procs = os.path.join(self.path, "cgroup.procs")

        def join():
            _write(procs, str(os.getpid()))

        return subprocess.Popen(argv, preexec_fn=join, **kwargs)

    def usage(self):
        """Bytes charged to the group now."""
        return int(_read(self._file("memory.usage_in_bytes", "memory.current")))

    def peak_usage(self):
        """The most bytes ever charged to the group, or None where the kernel does not say
        (cgroup v2 before Linux 5.19)."""
        path = self._file("memory.max_usage_in_bytes", "memory.peak")
        return int(_read(path)) if os.path.exists(path) else None

    def oom_kills(self):
        """Processes of the group the kernel's OOM killer has killed."""
        if self.version == "v1":
            return _keyed(os.path.join(self.path, "memory.oom_control")).get("oom_kill", 0)
        return _keyed(os.path.join(self.path, "memory.events")).get("oom_kill", 0)

    def limit_hits(self):
        """How often usage reached the limit (v1 failcnt, v2 memory.events max)."""
        if self.version == "v1":
            return int(_read(os.path.join(self.path, "memory.failcnt")))
        return _keyed(os.path.join(self.path, "memory.events")).get("max", 0)

    def close(self):
        """Moves any process left in the group to its parent and removes the group."""
        if not getattr(self, "path", None) or not os.path.isdir(self.path):
            return
        parent_procs = os.path.join(os.path.dirname(self.path), "cgroup.procs")
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                for pid in _read(os.path.join(self.path, "cgroup.procs")).split():
                    try:
                        _write(parent_procs, pid)
                    except OSError:
                        pass  # it exited meanwhile
                time.sleep(0.1)
        raise RuntimeError(f"could not remove cgroup {self.path}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
