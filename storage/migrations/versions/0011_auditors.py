"""what the auditors asked for: the forum's charter, visibility and retention plan, external organisations, areas
per contribution section, goal evaluations, archive exports; the audit log and the follow-up log append-only with a
way for the disposal job only; on PostgreSQL a group role `forumbot_app` without UPDATE/DELETE on the two logs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

APP_ROLE = 'forumbot_app'  # docs/deployment.md: the bot's login role is a member of it; migrations run as the owner
LOGS = ('audit_log', 'action_events')
MIN_AUDIT_AGE_DAYS = 30  # the disposal function never removes an audit entry younger than this

# The two logs refuse UPDATE always, DELETE unless the disposal job's transaction allows it, and TRUNCATE always.
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION forumbot_logs_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('forumbot.disposal', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
# The only way for the application's role to remove log rows: by id, for the disposal job, never an audit entry
# younger than MIN_AUDIT_AGE_DAYS. It runs as the owner (SECURITY DEFINER) with a fixed search_path.
_PG_DISPOSE = f"""
CREATE OR REPLACE FUNCTION forumbot_dispose_log_rows(tbl text, row_ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    removed integer;
BEGIN
    PERFORM set_config('forumbot.disposal', 'on', true);
    IF tbl = 'audit_log' THEN
        DELETE FROM audit_log WHERE id = ANY(row_ids) AND at < now() - interval '{MIN_AUDIT_AGE_DAYS} days';
    ELSIF tbl = 'action_events' THEN
        DELETE FROM action_events WHERE id = ANY(row_ids);
    ELSE
        RAISE EXCEPTION 'not a log table: %', tbl USING ERRCODE = 'invalid_parameter_value';
    END IF;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('forumbot.disposal', '', true);
    RETURN removed;
END;
$$
"""
_PG_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;  -- another database of the cluster made it meanwhile
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'role {APP_ROLE} not created (no CREATEROLE): create it and grant as docs/deployment.md says';
END
$$
"""
_PG_GRANTS = f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO {APP_ROLE}', current_schema());
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, action_events FROM {APP_ROLE};
        REVOKE ALL ON FUNCTION forumbot_dispose_log_rows(text, bigint[]) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION forumbot_dispose_log_rows(text, bigint[]) TO {APP_ROLE};
    END IF;
END
$$
"""


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT EXISTS (SELECT 1 FROM disposal_permits) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    )


def upgrade() -> None:
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charter', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('summary_visibility', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('retention', sa.JSON(), nullable=True))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('contribution_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('areas', sa.JSON(), nullable=True))

    op.create_table(
        'goal_evaluations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('forum_id', sa.String(length=36), nullable=False),
        sa.Column('goal_id', sa.String(length=36), nullable=False),
        sa.Column('goal_text', sa.String(length=300), nullable=False),
        sa.Column('rating', sa.String(length=16), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('evaluated_by', sa.String(length=200), nullable=False),
        sa.Column('evaluated_at', storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_goal_evaluations_forum_id_forums'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_evaluations')),
    )
    op.create_index('ix_goal_evaluations_forum_goal', 'goal_evaluations', ['forum_id', 'goal_id'], unique=False)
    op.create_table(
        'archive_exports',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('forum_id', sa.String(length=36), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_archive_exports_forum_id_forums'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_exports')),
    )
    op.create_index('ix_archive_exports_forum_year', 'archive_exports', ['forum_id', 'year'], unique=False)
    op.create_table(
        'disposal_permits',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('granted_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disposal_permits')),
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_index('ix_action_events_at', 'action_events', ['at'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS action_events_no_update ON action_events")
        op.execute("DROP TRIGGER IF EXISTS action_events_no_truncate ON action_events")
        op.execute("DROP FUNCTION IF EXISTS forumbot_action_events_append_only()")
        op.execute(_PG_FUNCTION)
        for table in LOGS:
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION forumbot_logs_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION forumbot_logs_append_only()")
        op.execute(_PG_DISPOSE)
        op.execute(_PG_ROLE)
        op.execute(_PG_GRANTS)
    else:
        op.execute("DROP TRIGGER IF EXISTS action_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS action_events_no_delete")
        for table in LOGS:
            for statement in _sqlite_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in LOGS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS forumbot_dispose_log_rows(text, bigint[])")
        op.execute("DROP FUNCTION IF EXISTS forumbot_logs_append_only()")
        # Back to 0009's guard on the follow-up log (the audit log had none).
        op.execute("CREATE OR REPLACE FUNCTION forumbot_action_events_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'action_events is append-only: % refused', TG_OP USING ERRCODE = "
                   "'insufficient_privilege'; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER action_events_no_update BEFORE UPDATE OR DELETE ON action_events "
                   "FOR EACH ROW EXECUTE FUNCTION forumbot_action_events_append_only()")
        op.execute("CREATE TRIGGER action_events_no_truncate BEFORE TRUNCATE ON action_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION forumbot_action_events_append_only()")
    else:
        for table in LOGS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        op.execute("CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events "
                   "BEGIN SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER action_events_no_delete BEFORE DELETE ON action_events "
                   "BEGIN SELECT RAISE(ABORT, 'action_events is append-only: DELETE refused'); END")
    op.drop_index('ix_action_events_at', table_name='action_events')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('disposal_permits')
    op.drop_index('ix_archive_exports_forum_year', table_name='archive_exports')
    op.drop_table('archive_exports')
    op.drop_index('ix_goal_evaluations_forum_goal', table_name='goal_evaluations')
    op.drop_table('goal_evaluations')
    with op.batch_alter_table('contribution_versions', schema=None) as batch_op:
        batch_op.drop_column('areas')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('external')
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_column('retention')
        batch_op.drop_column('summary_visibility')
        batch_op.drop_column('charter')
