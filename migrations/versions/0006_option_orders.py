"""Each attempt keeps the order it shows each question's options in

Revision ID: 0006_option_orders
Revises: 0005_moderngov_sync
Create Date: 2026-11-28 19:20:00

Options are shuffled per attempt (issue 14) so that the right answer has no usual place; resuming,
checking answers and the review must show the order the member saw. Older attempts have none and
show the file order, as they did.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_option_orders'
down_revision = '0005_moderngov_sync'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('option_orders', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('option_orders')
