"""modern.gov sync: councillorid, key posts, a sort name, and members with no council email yet

Revision ID: 0005_moderngov_sync
Revises: 0004_changes_acknowledged
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_moderngov_sync'
down_revision = '0004_changes_acknowledged'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('moderngov_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('key_posts', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_people_moderngov_id'), ['moderngov_id'])
        batch_op.alter_column('email', existing_type=sa.String(length=320), nullable=True)


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=320), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_people_moderngov_id'), type_='unique')
        batch_op.drop_column('key_posts')
        batch_op.drop_column('moderngov_id')
        batch_op.drop_column('sort_name')
