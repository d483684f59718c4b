"""A local helper module: binding must package it with predict_fn.py."""


def feature_vector(record: dict, names: list) -> list:
    missing = [n for n in names if n not in record]
    if missing:
        raise KeyError(f"record lacks feature(s): {', '.join(missing)}")
    return [float(record[n]) for n in names]
