"""CHECK constraints for the record states named in app/vocabulary.py

Revision ID: 0008_status_checks
Revises: 0007_council_sign_in
Create Date: 2026-11-28 19:30:00

The database now refuses a status, layout, answer, priority or "how" the code does not know.
The values are written out here (not imported) so this revision stays as it was when written.
"""
from alembic import op

revision = '0008_status_checks'
down_revision = '0007_council_sign_in'
branch_labels = None
depends_on = None

CHECKS = {
    'quiz_attempts': {'status': ('started', 'submitted'), 'layout': ('one-page', 'paged')},
    'scenario_runs': {'status': ('in-progress', 'finished')},
    'checklist_answers': {'answer': ('yes', 'partly', 'no', 'not-sure'), 'priority': ('high', 'medium', 'low')},
    'certificates': {'how': ('online', 'face-to-face')},
}


def _condition(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, columns in CHECKS.items():
        if sqlite and table == 'quiz_attempts':
            # Rebuilding the table in batch mode would lose the partial index's WHERE clause.
            op.drop_index('uq_quiz_attempts_open', table_name='quiz_attempts')
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(column, _condition(column, values))
        if sqlite and table == 'quiz_attempts':
            _open_attempt_index()


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, columns in CHECKS.items():
        if sqlite and table == 'quiz_attempts':
            op.drop_index('uq_quiz_attempts_open', table_name='quiz_attempts')
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
        if sqlite and table == 'quiz_attempts':
            _open_attempt_index()


def _open_attempt_index():
    import sqlalchemy as sa
    op.create_index('uq_quiz_attempts_open', 'quiz_attempts', ['person_id', 'quiz'], unique=True,
                    sqlite_where=sa.text("status = 'started'"))
