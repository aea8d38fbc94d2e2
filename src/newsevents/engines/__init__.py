"""Where the pipeline runs: in this process, on local worker processes (`--jobs N`, newsevents.parallel),
or on Ray (`--engine ray`, ray_engine.py). Every engine gives the records `Pipeline.process` gives, in
the same order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

ENGINES = ("local", "ray")
RAY_INSTALL = "pip install -r requirements-ray.lock (or: pip install 'newsevents[ray]'; make setup-ray in a checkout)"


class EngineError(ValueError):
    """Engine options that cannot work; the message is one line for the user."""


@dataclass(frozen=True)
class Engine:
    name: str  # local | ray
    jobs: int  # worker processes or Ray actors; 0: one per CPU (Ray on a cluster: per cluster CPU)
    address: str | None = None  # a Ray cluster; None starts Ray on this machine


def choose(jobs: int | None, engine: str = "local", address: str | None = None) -> Engine:
    """Check the engine options before any work starts; EngineError says what is wrong."""
    if engine not in ENGINES:
        raise EngineError(f"unknown --engine {engine!r}; choose from {', '.join(ENGINES)}")
    if jobs is not None and jobs < 0:
        raise EngineError(f"--jobs must be 0 (one per CPU) or a positive number of workers, not {jobs}")
    if address and engine != "ray":
        raise EngineError("--ray-address needs --engine ray")
    if engine == "ray":
        try:
            import ray  # noqa: F401
            import ray.data  # noqa: F401
        except ImportError:
            raise EngineError(f"--engine ray needs Ray, which is not installed: {RAY_INSTALL}") from None
        if address:
            _check_reachable(address)
        return Engine("ray", 0 if jobs is None else jobs, address)
    return Engine("local", 1 if jobs is None else jobs)


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail at once on a Ray address nothing answers at (ray.init would retry for minutes)."""
    import socket

    host_port = address.split("://", 1)[-1].rstrip("/")
    if host_port in ("auto", "local") or ":" not in host_port:
        return  # Ray finds the cluster itself, or the address needs Ray's own default port
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except ValueError:
        raise EngineError(f"--ray-address {address!r} is not HOST:PORT") from None
    except OSError as exc:
        raise EngineError(f"cannot reach a Ray cluster at {address}: {exc.strerror or exc}") from None


def run(engine: Engine, pipeline, documents: Iterable, duplicates=None) -> Iterator:
    """`pipeline.process(documents, duplicates)` on the chosen engine."""
    if engine.name == "ray":
        from newsevents.engines.ray_engine import process_ray

        return process_ray(pipeline, documents, duplicates, jobs=engine.jobs, address=engine.address)
    from newsevents.parallel import available_cpus, process_parallel

    jobs = engine.jobs or available_cpus()
    if jobs == 1:
        return pipeline.process(documents, duplicates)
    return process_parallel(pipeline, documents, duplicates, jobs)
