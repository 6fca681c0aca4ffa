"""Name the primary key and the unique key_id by the models' naming convention (webapp/models.py), so
autogenerate and `alembic check` compare like with like on SQLite and PostgreSQL alike. (0001 run today
names them by the convention already, as Alembic applies the target metadata's; databases made before
the convention have PostgreSQL's own names, which this renames.)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from webapp.models import NAMING_CONVENTION

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


RENAMES = {"contributions_pkey": "pk_contributions", "contributions_key_id_key": "uq_contributions_key_id"}


def constraint_names():
    inspector = sa.inspect(op.get_bind())
    unique = {c["name"] for c in inspector.get_unique_constraints("contributions")}
    return unique | {inspector.get_pk_constraint("contributions")["name"]}


def rename(renames):
    for old in sorted(set(renames) & constraint_names()):
        op.execute(f"ALTER TABLE contributions RENAME CONSTRAINT {old} TO {renames[old]}")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        rename(RENAMES)
    else:
        # SQLite cannot rename a constraint: the table is copied, its unnamed constraints named by the convention.
        with op.batch_alter_table("contributions", recreate="always", naming_convention=NAMING_CONVENTION):
            pass


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        rename({new: old for old, new in RENAMES.items()})
