"""The mail queue (who each email is for, when it was delivered) and shared throttles

Revision ID: 0013_mail_queue_and_throttles
Revises: 0012_legal_sign_offs
Create Date: 2026-11-28 19:15:00

Security review of November 2026: erasure must find every email to a member whatever address it
went to (MEDIUM-3); mail is delivered after the response, from a queue (MEDIUM-2); and sign-in and
reset limits are counted in the database so every process shares them (LOW-1, LOW-2).
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_mail_queue_and_throttles'
down_revision = '0012_legal_sign_offs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_outbox_messages_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_delivered_at'), ['delivered_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_person_id_people'), 'people',
                                    ['person_id'], ['id'], ondelete='SET NULL')
    # Messages already kept: tie them to the person at that address, and count them delivered.
    op.execute("UPDATE outbox_messages SET person_id = (SELECT people.id FROM people "
               "WHERE people.email = outbox_messages.recipient), delivered_at = created_at")
    op.create_table(
        'throttles',
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('window_started_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_throttles')),
    )
    with op.batch_alter_table('throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttles_window_started_at'), ['window_started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttles_window_started_at'))
    op.drop_table('throttles')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_person_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_delivered_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_person_id'))
        batch_op.drop_column('attempts')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('person_id')
