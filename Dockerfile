FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY bank ./bank
COPY storage ./storage
RUN pip install --no-cache-dir . && useradd --create-home lpbot && mkdir /data && chown lpbot /data
USER lpbot
ENV DATABASE_URL=sqlite:////data/lpbot.db
# No one types in a container: with no platform configured, `lpbot run` says so and
# exits instead of running the terminal channel on an empty stdin.
ENV LPBOT_TERMINAL=off
VOLUME ["/data"]
EXPOSE 3000
CMD ["lpbot", "run"]
