"""Live facts: observed in the running kernel, from the objects a cell touched.

Everything here runs inside the user's kernel: it never mutates a user
object or a global option, never keeps a strong reference to user data past
the call, samples above a size cap, and never raises (a hostile object is
skipped and reported by the caller as a note).
"""
