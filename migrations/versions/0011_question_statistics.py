"""Running tallies for the officers' question statistics

Revision ID: 0011_question_statistics
Revises: 0010_local_facts_leaders
Create Date: 2026-11-28 19:55:00

One row per question (and per wrong option chosen), added to when an assessment is submitted, so
the statistics page reads a few hundred rows however many attempts there are. Existing attempts
are counted by `flask quizzes rebuild-statistics`.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_question_statistics'
down_revision = '0010_local_facts_leaders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question_tallies',
        sa.Column('question_id', sa.String(length=100), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.Column('members', sa.Integer(), nullable=False),
        sa.Column('sum_x', sa.Double(), nullable=False),
        sa.Column('sum_y', sa.Double(), nullable=False),
        sa.Column('sum_xy', sa.Double(), nullable=False),
        sa.Column('sum_xx', sa.Double(), nullable=False),
        sa.Column('sum_yy', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('question_id'))
    op.create_table(
        'question_wrong_picks',
        sa.Column('question_id', sa.String(length=100), nullable=False),
        sa.Column('option_key', sa.String(length=10), nullable=False),
        sa.Column('picks', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('question_id', 'option_key'))
    op.create_table(
        'question_answerers',
        sa.Column('question_id', sa.String(length=100), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('question_id', 'person_id'))


def downgrade():
    op.drop_table('question_answerers')
    op.drop_table('question_wrong_picks')
    op.drop_table('question_tallies')
