"""Core signals. Higher apps react to lower ones through signals, never through imports."""
