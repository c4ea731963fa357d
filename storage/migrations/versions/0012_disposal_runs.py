"""the daily disposal job's runs: one row per local day, leased by the instance doing it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'disposal_runs',
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('started_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('lease_until', storage.types.UTCDateTime(), nullable=False),
        sa.Column('finished_at', storage.types.UTCDateTime(), nullable=True),
        sa.Column('removed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_disposal_runs')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'forumbot_app') THEN "
                   "GRANT SELECT, INSERT, UPDATE, DELETE ON disposal_runs TO forumbot_app; END IF; END $$")


def downgrade() -> None:
    op.drop_table('disposal_runs')
