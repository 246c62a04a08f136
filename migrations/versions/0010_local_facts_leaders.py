"""The council's facts edited by officers (versions with history), and political group leaders

Revision ID: 0010_local_facts_leaders
Revises: 0009_action_done
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_local_facts_leaders'
down_revision = '0009_action_done'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'local_facts_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['people.id'],
                                name=op.f('fk_local_facts_versions_changed_by_id_people'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_local_facts_versions')),
    )
    op.create_table(
        'group_leaders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('party', sa.String(length=200), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=20), nullable=False),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_group_leaders_person_id_people'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_leaders')),
        sa.UniqueConstraint('party', name=op.f('uq_group_leaders_party')),
    )


def downgrade():
    op.drop_table('group_leaders')
    op.drop_table('local_facts_versions')
