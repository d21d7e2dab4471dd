"""The ``cspsim_slurm`` and ``cspsim_submitit_local`` Hydra launchers: several runs per task.

Hydra's submitit launcher submits one array task per run, so for a run of ten seconds the
scheduler and Python's start-up cost as much as the run, and it raises as soon as one job
failed, leaving the others uncollected (Hydra #2551). These launchers instead:

1. group the runs of a batch into tasks of ``runs_per_task`` runs (near-equal groups in the
   order the sweeper gives them) and submit them as one array job (several when the array
   would be longer than ``max_array_size``);
2. in each task, run its runs one after the other through Hydra's ``run_job`` and the app's
   task function, as a joblib worker does. A run that fails records its error itself
   (``run.json`` with ``status: failed``) and the task goes on with the next run;
3. in the submitting process, wait for every task: result files, and the scheduler's view
   (``squeue``, no accounting database needed) for tasks that ended without one (cancelled,
   timed out, out of memory, node failure), whose runs are then judged from their run
   directories;
4. return one ``JobReturn`` per run, ``COMPLETED`` or ``FAILED`` with the error, and list the
   failed runs when the sweep ends, after its report, exiting with status 1.

The launchers know nothing of how a run is executed: they call the task function the app gave
Hydra and read the ``status`` (and ``error``) that the run wrote to its ``run.json``.
"""

# No ``from __future__ import annotations``: Hydra's plugin scan executes this module
# before registering it, and OmegaConf needs real types in the structured configs.
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger("cspsim")

#: Environment of every task: the model is single-threaded; keep BLAS from using more cores.
SETUP = ["export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1"]


@dataclass
class CspsimSlurmConf:
    """Options of ``hydra/launcher=cspsim_slurm`` (``hydra.launcher.*``).

    Attributes:
        submitit_folder: Task scripts, pickles and logs (``%j``: the SLURM job id).
        runs_per_task: Runs in one array task, run one after the other. 16 default San
            Francisco runs (about 3-10 s each, by machine) make a task of one to three
            minutes, so the scheduler's latency and Python's start-up (a few seconds a
            task) cost a few percent of the run time.
        minutes_per_run: Time limit of one run; a task's limit is this times its runs,
            plus 5 minutes for start-up (unless ``timeout_min`` is set).
        timeout_min: Time limit of a task in minutes (None: from ``minutes_per_run``).
        mem_gb: Memory of a task: the peak of one run, since its runs run one at a time.
        cpus_per_task: CPUs of a task (a run uses one).
        partition: SLURM partition (None: the cluster's default).
        account: SLURM account to charge (None: the user's default).
        qos: SLURM quality of service.
        constraint: SLURM node features (``--constraint``).
        exclude: Nodes not to use (``--exclude``).
        name: Job name shown by ``squeue``.
        array_parallelism: Tasks of the array allowed to run at once (``--array=...%N``).
        max_array_size: Longest array submitted (the site's ``MaxArraySize`` minus one);
            more tasks are submitted as several arrays.
        setup: Shell lines run in the task before Python (modules, environments).
        additional_parameters: Other ``#SBATCH`` options, e.g. ``{mail-type: END}``.
        python: Python on the compute nodes (None: the submitting interpreter).
        poll_s: Seconds between checks for finished tasks (result files).
        scheduler_poll_s: Seconds between ``squeue`` calls (tasks that ended without a
            result).
        lost_grace_s: Seconds a task may be gone from the queue before its result file
            counts as missing (shared file systems can be slow).
        cancel_on_interrupt: Cancel the sweep's tasks when the submitting command is
            interrupted (Ctrl-C, SIGTERM).
        fail_exit: Exit with status 1 after the report when a run failed.
    """

    _target_: str = "hydra_plugins.cspsim_launcher.cspsim_launcher.CspsimSlurmLauncher"
    submitit_folder: str = "${hydra.sweep.dir}/.submitit/%j"
    runs_per_task: Optional[int] = 16  # noqa: UP045
    minutes_per_run: float = 3.0
    timeout_min: Optional[int] = None  # noqa: UP045
    mem_gb: float = 2.0
    cpus_per_task: int = 1
    partition: Optional[str] = None  # noqa: UP045
    account: Optional[str] = None  # noqa: UP045
    qos: Optional[str] = None  # noqa: UP045
    constraint: Optional[str] = None  # noqa: UP045
    exclude: Optional[str] = None  # noqa: UP045
    name: str = "cspsim"
    array_parallelism: int = 256
    max_array_size: int = 1000
    setup: list[str] = field(default_factory=lambda: list(SETUP))
    additional_parameters: dict[str, Any] = field(default_factory=dict)
    python: Optional[str] = None  # noqa: UP045
    poll_s: float = 5.0
    scheduler_poll_s: float = 30.0
    lost_grace_s: float = 15.0
    cancel_on_interrupt: bool = True
    fail_exit: bool = True


@dataclass
class CspsimLocalConf:
    """Options of ``hydra/launcher=cspsim_submitit_local``: the same path without SLURM.

    Each task is a local process (submitit's local executor), all started at once.

    Attributes:
        submitit_folder: Task pickles and logs.
        runs_per_task: Runs in one task (None: spread over the machine's cores, one task
            per core).
        minutes_per_run: Time limit of one run (a task's: this times its runs, plus 5).
        timeout_min: Time limit of a task in minutes (None: from ``minutes_per_run``).
        setup: Shell lines run before each task.
        python: Python to run the tasks (None: the submitting interpreter).
        poll_s: Seconds between checks for finished tasks.
        lost_grace_s: Seconds a task may be ended before its result counts as missing.
        cancel_on_interrupt: Kill the tasks when the submitting command is interrupted.
        fail_exit: Exit with status 1 after the report when a run failed.
    """

    _target_: str = "hydra_plugins.cspsim_launcher.cspsim_launcher.CspsimLocalLauncher"
    submitit_folder: str = "${hydra.sweep.dir}/.submitit/%j"
    runs_per_task: Optional[int] = None  # noqa: UP045
    minutes_per_run: float = 5.0
    timeout_min: Optional[int] = None  # noqa: UP045
    setup: list[str] = field(default_factory=lambda: list(SETUP))
    python: Optional[str] = None  # noqa: UP045
    poll_s: float = 1.0
    lost_grace_s: float = 5.0
    cancel_on_interrupt: bool = True
    fail_exit: bool = True


ConfigStore.instance().store(
    group="hydra/launcher", name="cspsim_slurm", node=CspsimSlurmConf, provider="cspsim"
)
ConfigStore.instance().store(
    group="hydra/launcher", name="cspsim_submitit_local", node=CspsimLocalConf, provider="cspsim"
)


class _BatchLauncher(Launcher):
    """Shared logic; subclasses say how tasks are submitted, watched and cancelled."""

    cluster = "abstract"

    def __init__(self, **params: Any) -> None:
        self.params = {
            k: OmegaConf.to_container(v, resolve=True) if OmegaConf.is_config(v) else v
            for k, v in params.items()
        }
        self.config: DictConfig | None = None
        self.hydra_context: HydraContext | None = None
        self.task_function: TaskFunction | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Keep what the tasks need; register the end-of-sweep list of failures."""
        from hydra_plugins.cspsim_launcher._batch import install_failure_exit

        self.config = config
        self.hydra_context = hydra_context
        self.task_function = task_function
        install_failure_exit(hydra_context, enabled=bool(self.params.get("fail_exit", True)))

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        """Run the jobs in batched tasks; one ``JobReturn`` per job, never raising for one."""
        from hydra_plugins.cspsim_launcher._batch import launch

        return launch(self, [list(o) for o in job_overrides], initial_job_idx)

    def __call__(self, runs: list[tuple[list[str], int]], singleton_state: Any) -> list[JobReturn]:
        """Body of one task (on the compute node): its runs, one after the other."""
        from hydra_plugins.cspsim_launcher._batch import run_task

        return run_task(self, runs, singleton_state)

    @property
    def sweep_dir(self) -> Path:
        """The sweep directory (``hydra.sweep.dir``)."""
        assert self.config is not None
        return Path(str(self.config.hydra.sweep.dir))


class CspsimSlurmLauncher(_BatchLauncher):
    """``hydra/launcher=cspsim_slurm`` (and ``slurm``): batched array jobs on SLURM."""

    cluster = "slurm"


class CspsimLocalLauncher(_BatchLauncher):
    """``hydra/launcher=cspsim_submitit_local``: batched tasks as local processes."""

    cluster = "local"
