"""The process's life: opening, seeding, reindexing and catching up a data set, snapshots and resets, namespaces on
disk, the server lock and socket. Below the dialects, above seeding and the core."""
