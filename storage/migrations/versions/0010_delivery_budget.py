"""delivery at scale: the send log shared as one rate budget by several processes, the outbox's meta column

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'delivery_sends',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('rate_key', sa.String(length=400), nullable=False),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.Column('started_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('settled_at', storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_sends')),
    )
    with op.batch_alter_table('delivery_sends', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_sends_key_started', ['rate_key', 'started_at'], unique=False)
        batch_op.create_index('ix_delivery_sends_started', ['started_at'], unique=False)
        batch_op.create_index('ix_delivery_sends_settled', ['settled_at'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meta', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('meta')
    with op.batch_alter_table('delivery_sends', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_sends_settled')
        batch_op.drop_index('ix_delivery_sends_started')
        batch_op.drop_index('ix_delivery_sends_key_started')
    op.drop_table('delivery_sends')
