"""Sign in with the council's account: the account's subject, and password sign-in that officers can turn off

Revision ID: 0007_council_sign_in
Revises: 0006_option_orders
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_council_sign_in'
down_revision = '0006_option_orders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('password_sign_in', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_people_sso_subject'), ['sso_subject'])
    op.create_table('service_settings',
                    sa.Column('key', sa.String(length=60), nullable=False),
                    sa.Column('value', sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_service_settings')))


def downgrade():
    op.drop_table('service_settings')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_people_sso_subject'), type_='unique')
        batch_op.drop_column('password_sign_in')
        batch_op.drop_column('sso_subject')
