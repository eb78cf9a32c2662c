"""Query-string arguments of the blog's handlers: `ids` is a comma list of integers, everything else an integer."""


def parse(args):
    return {k: [int(x) for x in v.split(",")] if k == "ids" else int(v) for k, v in args.items()}
