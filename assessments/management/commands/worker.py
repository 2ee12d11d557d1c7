"""The background worker: runs queued tasks (reports, exports, mail) and, every
`settings.SCHEDULE_INTERVAL_SECONDS`, the periodic work (`background.schedule`).

It is django-tasks-db's own worker (`db_worker`) with two additions: the schedule
between tasks, and a lower CPU priority (`--nice`, default 10) so that on a small
machine renders take the CPU that participants' requests leave idle. Stop it with
SIGTERM or Ctrl+C: it finishes the task at hand first.
"""

import logging
import os
import time

from django.conf import settings
from django_tasks_db.management.commands.db_worker import (
    Command as DbWorkerCommand,
    Worker,
)

from ...background.schedule import schedule_tick

# Tasks run between two looks at the schedule when the queue never runs dry.
TASKS_PER_ROUND = 20


def lower_priority(nice: int) -> None:
    """Yield the CPU to the web processes: `nice`, and the same for the worker's
    scheduling group.

    With autogroup scheduling (Linux's default on many kernels, this project's
    machines included) the CPU is first shared fairly between sessions, and nice
    only orders processes inside one: a worker in a session of its own (systemd,
    a container, a harness) would take half of a busy machine at any nice. So the
    worker becomes a session of its own (unless it leads one already) and lowers
    that group's weight too. Under systemd with the CPU controller, autogroups do
    not apply and the unit's CPUWeight= does this (docs/deployment.md).
    """
    os.nice(nice)
    try:
        os.setsid()
    except OSError:
        pass  # leads its own session already (or its process group)
    try:
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write(str(nice))
    except OSError:
        pass  # no autogroups here (other systems, kernels built without them)


class _NotWhileRunning(logging.Filter):
    """The base loop ends each round with "... exiting gracefully" (no more tasks,
    or this round's share run): true of the round, not of this worker, which goes
    on. Shown right after "Starting worker", it read as if the worker had
    stopped."""

    def __init__(self, worker: "ScheduledWorker"):
        super().__init__()
        self.worker = worker

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self.worker.running and "exiting gracefully" in record.getMessage())


class ScheduledWorker(Worker):
    def __init__(self, *, schedule_every: float | None, **kwargs):
        super().__init__(**kwargs)
        self.schedule_every = schedule_every
        self.idle_interval = self.interval
        self._next_schedule = 0.0

    def run(self) -> None:
        # The base loop in batch mode runs tasks until the queue is empty (or this
        # round's share is done); between rounds we look at the schedule and sleep.
        self.batch = True
        logging.getLogger("django_tasks_db").addFilter(_NotWhileRunning(self))
        first_round = True
        while self.running:
            if self.schedule_every and time.monotonic() >= self._next_schedule:
                schedule_tick()
                self._next_schedule = time.monotonic() + self.schedule_every
            self.startup_delay = first_round and self.startup_delay
            self._run_tasks = 0
            self.max_tasks = TASKS_PER_ROUND
            super().run()
            if first_round:
                # The base loop logs its start and its end at INFO, once per round
                # here: once is enough. Tasks keep logging under django_tasks.
                logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
                first_round = False
            if self.running and self._run_tasks < TASKS_PER_ROUND:
                time.sleep(self.idle_interval)


class Command(DbWorkerCommand):
    help = "Run the background worker: queued tasks and the periodic schedule."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Do not run the periodic work (another worker or a timer does).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=10,
            help="Lower this process's CPU priority by this much (default: 10).",
        )

    def handle(self, *, schedule, nice, **options):
        if nice:
            lower_priority(nice)
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = (
            options["exclude_queues"].split(",") if options["exclude_queues"] else []
        )
        worker = ScheduledWorker(
            schedule_every=settings.SCHEDULE_INTERVAL_SECONDS if schedule else None,
            queue_names=queue_names,
            interval=options["interval"],
            batch=False,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=None,
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
