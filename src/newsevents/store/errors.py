"""The one error type of the store: its message is meant for the user, in one line."""


class StoreError(RuntimeError):
    pass
