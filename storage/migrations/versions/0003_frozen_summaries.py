"""frozen summaries: every posted summary revision with its frame

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'summary_revisions',
        sa.Column('meeting_id', sa.String(length=36), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('compiled_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('frame', sa.JSON(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_summary_revisions_meeting_id_meetings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id', 'revision', name=op.f('pk_summary_revisions')),
    )


def downgrade() -> None:
    op.drop_table('summary_revisions')
