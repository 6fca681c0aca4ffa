"""Alembic's environment. webapp.database.upgrade hands over an open connection; Alembic's own commands
(alembic.ini) connect to the app's DATABASE_URL, as create_app resolves it, so the URL is decided in one place."""

from alembic import context

from webapp.models import Base


def run(connection):
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from webapp import create_app

    engine = create_app().extensions["database"]
    with engine.connect() as connection:
        run(connection)
    engine.dispose()
