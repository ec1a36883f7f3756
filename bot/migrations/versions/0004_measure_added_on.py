"""measure added_on: the day a re-import added the measure to the plan

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:00:00

Existing rows keep NULL, "in the plan as adopted", which is what every report has shown for
them so far. The audit trail's import times are the server's clock, not the day the import
was made for (the sandbox runs in the plan's year), so a date read from it could hide a
measure from a report it belongs in.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measure") as batch:
        batch.add_column(sa.Column("added_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("measure") as batch:
        batch.drop_column("added_on")
