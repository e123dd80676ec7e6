"""Ray job entrypoints, one per stage: `python -m jobs.<stage> --config FILE [key=value ...]`."""
