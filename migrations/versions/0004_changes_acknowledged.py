"""'Has read what changed' gets its own table instead of audit-log JSON

Revision ID: 0004_changes_acknowledged
Revises: 0003_report_indexes
Create Date: 2026-11-28 19:20:00

Certificate eligibility used to be read from audit_events.detail; an audit clean-up would have
changed who may be certified. Existing confirmations are copied across; the audit entries stay.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0004_changes_acknowledged'
down_revision = '0003_report_indexes'
branch_labels = None
depends_on = None

ACTION = 'refresher.changes-acknowledged'


def upgrade():
    table = op.create_table(
        'changes_acknowledgements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'],
                                name=op.f('fk_changes_acknowledgements_certificate_id_certificates'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_changes_acknowledgements_person_id_people'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_changes_acknowledgements')),
        sa.UniqueConstraint('person_id', 'certificate_id', name=op.f('uq_changes_acknowledgements_person_id')),
    )
    with op.batch_alter_table('changes_acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_changes_acknowledgements_person_id'), ['person_id'], unique=False)

    conn = op.get_bind()
    events = sa.table('audit_events', sa.column('target_person_id', sa.Integer), sa.column('action', sa.String),
                      sa.column('detail', sa.JSON), sa.column('at', sa.DateTime))
    certificates = sa.table('certificates', sa.column('id', sa.Integer), sa.column('person_id', sa.Integer))
    owner = dict(conn.execute(sa.select(certificates.c.id, certificates.c.person_id)).all())
    rows, seen = [], set()
    for person_id, detail, at in conn.execute(
            sa.select(events.c.target_person_id, events.c.detail, events.c.at)
            .where(events.c.action == ACTION).order_by(events.c.at)):
        detail = json.loads(detail) if isinstance(detail, str) else detail
        certificate_id = detail.get('certificate_id') if isinstance(detail, dict) else None
        key = (person_id, certificate_id)
        # Only confirmations about the member's own, still existing certificate are carried over.
        if person_id is None or owner.get(certificate_id) != person_id or key in seen:
            continue
        seen.add(key)
        rows.append({'person_id': person_id, 'certificate_id': certificate_id, 'acknowledged_at': at})
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    with op.batch_alter_table('changes_acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_changes_acknowledgements_person_id'))
    op.drop_table('changes_acknowledgements')
