"""The tables of Inkling's database: drawings that people chose to share from the game.

The schema changes only through migrations (webapp/migrations/versions/), never by create_all, so every
database, SQLite or PostgreSQL, has the same history.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Every constraint and index gets a predictable name, so migrations can name what they change.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Contribution(Base):
    """One shared game round. Nothing in it identifies the person: no address, at most the random id that
    their browser keeps (and can reset)."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)  # random; the exported ndjson's key_id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    client_id: Mapped[str | None] = mapped_column(String(36), index=True)
    prompt: Mapped[str] = mapped_column(String(64), index=True)  # the category the person was asked to draw
    drawing: Mapped[list] = mapped_column(JSON)  # raw strokes [[xs, ys, ts], ...], ts in ms from the first point
    points: Mapped[int]
    recognized: Mapped[bool]
    recognized_ms: Mapped[int | None]  # when the model's top guess first was the prompt
    duration_ms: Mapped[int]  # how long the round lasted
    model_version: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(16))  # browser or server: which engine guessed
    guesses: Mapped[list] = mapped_column(JSON)  # the model's top guesses at the end: [{label, probability}]
    prompt_probability: Mapped[float]  # the model's probability for the prompt at the end (0 if not in guesses)
