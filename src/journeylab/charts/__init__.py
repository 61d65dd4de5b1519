"""Charts: Result → Altair. Never queries; reads only the result's frames."""

__all__: list[str] = []
