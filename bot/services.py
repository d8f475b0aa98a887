"""Start-up checks of the services the production profile shares.

Rasa, left to itself, retries an unreachable PostgreSQL forever and answers an
unreachable Redis with a stack trace. These checks run before the servers
start and say in one line which service is missing, where it was looked for,
and why (never with its password).
"""

from __future__ import annotations

import socket

from bot.settings import DatabaseSettings, RabbitSettings, RedisSettings, Settings

TIMEOUT_SECONDS = 5.0


class ServiceUnavailable(RuntimeError):
    """One line naming the service, its address and the reason."""


def check_services(settings: Settings) -> None:
    """Raises ServiceUnavailable for the first shared service that does not answer."""
    if settings.database is not None:
        check_postgresql(settings.database)
    if settings.redis is not None:
        check_redis(settings.redis)
    if settings.rabbitmq is not None:
        check_rabbitmq(settings.rabbitmq)


def check_postgresql(database: DatabaseSettings) -> None:
    import psycopg2

    try:
        connection = psycopg2.connect(
            host=database.host,
            port=database.port,
            dbname=database.name,
            user=database.user,
            password=database.password,
            connect_timeout=int(TIMEOUT_SECONDS),
        )
    except psycopg2.Error as error:
        raise ServiceUnavailable(
            f"PostgreSQL (tracker store) at {database.address} is unreachable: {first_line(error)}"
        ) from None
    connection.close()


def check_redis(redis_settings: RedisSettings) -> None:
    import redis

    client = redis.Redis(
        host=redis_settings.host,
        port=redis_settings.port,
        db=redis_settings.db,
        password=redis_settings.password,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        raise ServiceUnavailable(
            f"Redis (lock store) at {redis_settings.address} is unreachable: {first_line(error)}"
        ) from None
    finally:
        client.close()


def check_rabbitmq(rabbit: RabbitSettings) -> None:
    """An AMQP greeting is enough to know a broker listens; Rasa's client logs in itself."""
    try:
        with socket.create_connection((rabbit.host, rabbit.port), timeout=TIMEOUT_SECONDS) as connection:
            connection.sendall(b"AMQP\x00\x00\x09\x01")
            greeting = connection.recv(8)
    except OSError as error:
        raise ServiceUnavailable(
            f"RabbitMQ (event broker) at {rabbit.address} is unreachable: {error.strerror or error}"
        ) from None
    if not greeting:
        raise ServiceUnavailable(f"RabbitMQ (event broker) at {rabbit.address} closed the connection")


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
