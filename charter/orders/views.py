"""Order, return, warranty and product pages (written next)."""
