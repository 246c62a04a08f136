"""The council's lawyer's sign-off of each module's law, recorded by officers (issue 15)

Revision ID: 0012_legal_sign_offs
Revises: 0011_question_statistics
Create Date: 2026-11-28 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012_legal_sign_offs'
down_revision = '0011_question_statistics'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'legal_sign_offs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=100), nullable=False),
        sa.Column('signed_by', sa.String(length=200), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('module_fingerprint', sa.String(length=64), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['people.id'],
                                name=op.f('fk_legal_sign_offs_recorded_by_id_people'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_sign_offs')),
    )
    with op.batch_alter_table('legal_sign_offs', schema=None) as batch_op:
        batch_op.create_index('ix_legal_sign_offs_module', ['module_id', 'signed_on'], unique=False)


def downgrade():
    with op.batch_alter_table('legal_sign_offs', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_sign_offs_module')
    op.drop_table('legal_sign_offs')
