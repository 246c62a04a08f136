"""Action-plan items can be marked done: the day the member did so

Revision ID: 0009_action_done
Revises: 0008_status_checks
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_action_done'
down_revision = '0008_status_checks'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: SQLite does it in place, so the table (and its CHECK constraints from
    # 0008) is not rebuilt.
    op.add_column('checklist_answers', sa.Column('action_done_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('checklist_answers', schema=None) as batch_op:
        batch_op.drop_column('action_done_on')
