"""Each queued email says which kind it is, so GOV.UK Notify can use that kind's template

Revision ID: 0014_mail_kinds
Revises: 0013_mail_queue_and_throttles
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_mail_kinds'
down_revision = '0013_mail_queue_and_throttles'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('kind')
