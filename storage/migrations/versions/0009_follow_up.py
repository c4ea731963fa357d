"""follow-up of actions: the immutable event log, reminder plans, the forum's nudge policy, paused reminders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# No code path updates or deletes a log row; the database makes sure (tests/integration/test_action_log.py).
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION forumbot_action_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'action_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
_PG_TRIGGERS = (
    "CREATE TRIGGER action_events_no_update BEFORE UPDATE OR DELETE ON action_events "
    "FOR EACH ROW EXECUTE FUNCTION forumbot_action_events_append_only()",
    "CREATE TRIGGER action_events_no_truncate BEFORE TRUNCATE ON action_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION forumbot_action_events_append_only()",
)
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events "
    "BEGIN SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused'); END",
    "CREATE TRIGGER action_events_no_delete BEFORE DELETE ON action_events "
    "BEGIN SELECT RAISE(ABORT, 'action_events is append-only: DELETE refused'); END",
)


def upgrade() -> None:
    op.create_table(
        'action_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('action_id', sa.String(length=36), nullable=False),
        sa.Column('forum_id', sa.String(length=36), nullable=False),
        sa.Column('at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.String(length=200), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_events')),
    )
    with op.batch_alter_table('action_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_events_action_id'), ['action_id'], unique=False)
        batch_op.create_index('ix_action_events_forum_at', ['forum_id', 'at'], unique=False)

    op.create_table(
        'nudge_plans',
        sa.Column('action_id', sa.String(length=36), nullable=False),
        sa.Column('forum_id', sa.String(length=36), nullable=False),
        sa.Column('next_at', storage.types.UTCDateTime(), nullable=True),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('overdue_sent', sa.Integer(), nullable=False),
        sa.Column('escalated', sa.Boolean(), nullable=False),
        sa.Column('last_local_day', sa.String(length=10), nullable=False),
        sa.Column('updated_at', storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_nudge_plans_action_id_actions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_nudge_plans_forum_id_forums'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('action_id', name=op.f('pk_nudge_plans')),
    )
    with op.batch_alter_table('nudge_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudge_plans_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index('ix_nudge_plans_next_at', ['next_at'], unique=False)

    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_policy', sa.JSON(), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nudges_paused_until', sa.Date(), nullable=True))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_PG_FUNCTION)
        for statement in _PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS action_events_no_update ON action_events")
        op.execute("DROP TRIGGER IF EXISTS action_events_no_truncate ON action_events")
        op.execute("DROP FUNCTION IF EXISTS forumbot_action_events_append_only()")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('nudges_paused_until')
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_column('follow_up_policy')
    with op.batch_alter_table('nudge_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_nudge_plans_next_at')
        batch_op.drop_index(batch_op.f('ix_nudge_plans_forum_id'))
    op.drop_table('nudge_plans')
    with op.batch_alter_table('action_events', schema=None) as batch_op:
        batch_op.drop_index('ix_action_events_forum_at')
        batch_op.drop_index(batch_op.f('ix_action_events_action_id'))
    op.drop_table('action_events')
