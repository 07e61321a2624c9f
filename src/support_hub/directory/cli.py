"""Directory commands: `flask seed`, `flask bench-data N`."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from support_hub.directory.bench_data import insert_bench_listings
from support_hub.directory.seed import load_seed, read_seed


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the demo directory from seed/ (running it again changes nothing)."""
    report = load_seed(read_seed())
    click.echo(f"Seeded {report.organizations} organizations and {report.services} services.")


@click.command("bench-data")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--batch-size", type=click.IntRange(min=100), default=10_000, show_default=True)
@click.option(
    "--seed",
    "random_seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed; the same seed gives the same listings.",
)
@with_appcontext
def bench_data_command(count: int, batch_size: int, random_seed: int) -> None:
    """Insert COUNT synthetic listings spread like the US population, for benchmarks."""
    started = time.perf_counter()
    insert_bench_listings(count, batch_size=batch_size, seed=random_seed)
    click.echo(f"Inserted {count} synthetic listings in {time.perf_counter() - started:.1f} s.")
