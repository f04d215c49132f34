"""The terminal side of `npvi sweep`: a rich progress bar, the dashboard link, a summary."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from npvi_model.sweep.runner import SweepOutcome, run_sweep
from npvi_model.sweep.spec import load_sweep


def run_with_progress(
    console: Console,
    sweep_file: Path,
    out: Path | None,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    hours: str | None,
    data_dir: Path | None,
) -> SweepOutcome:
    out = out or Path("results") / "sweeps" / load_sweep(sweep_file).spec.name
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[failed]} failed"),
        console=console,
    )
    task_id = None

    def on_start(dashboard: str, n: int) -> None:
        nonlocal task_id
        if dashboard:
            console.print(f"Dask dashboard: {dashboard}", highlight=False)
        task_id = progress.add_task("samples", total=n, failed=0)
        progress.start()

    def on_sample(sample: int, status: str) -> None:
        if status != "done":
            progress.console.print(f"[red]sample {sample}[/red] {status}", highlight=False)
            progress.update(task_id, failed=progress.tasks[0].fields["failed"] + 1)
        progress.advance(task_id)

    try:
        outcome = run_sweep(
            sweep_file,
            out,
            workers,
            scheduler,
            resume,
            hours,
            data_dir,
            on_start=on_start,
            on_sample=on_sample,
        )
    finally:
        progress.stop()
    console.print(
        f"[green]sweep[/green] {outcome.n_samples} samples: {len(outcome.done)} solved, "
        f"{len(outcome.skipped)} already done, {len(outcome.failed)} failed "
        f"({outcome.wall_seconds:.0f} s) -> {out / 'sweep.nc'}",
        highlight=False,
    )
    return outcome
