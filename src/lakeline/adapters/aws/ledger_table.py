"""The layout of the ledger's DynamoDB table, which the stack and the AWS adapters share.

One table holds every object's ledger item, each built analytics partition and each
run's statistics, told apart by their ``object_id``. Reading one kind of item for one
dataset or model must not read the whole table: each item also names its collection
(``object#<dataset>``, ``build#<model>``, ``run#``) and a sort value within it, and a
global secondary index on those two answers such reads with a Query.
"""

from __future__ import annotations

from typing import Any

KEY = "object_id"
INDEX = "by_collection"
COLLECTION = "collection"
SORT = "collection_sort"

# Collections; the build and run items' own keys start with the same prefixes.
OBJECTS = "object#"  # + dataset; sorted by when processing started
BUILDS = "build#"  # + model; sorted by partition
RUNS = "run#"  # sorted by when the run started


def collection_item(collection: str, sort: str) -> dict[str, dict[str, str]]:
    """The two index attributes of an item, in DynamoDB's typed form."""
    return {COLLECTION: {"S": collection}, SORT: {"S": sort or "-"}}  # a key value cannot be empty


def create_table_request(name: str) -> dict[str, Any]:
    """``CreateTable`` arguments for the table as the stack defines it (for moto and demos)."""
    strings = [KEY, COLLECTION, SORT]
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": KEY, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in strings],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": INDEX,
                "KeySchema": [
                    {"AttributeName": COLLECTION, "KeyType": "HASH"},
                    {"AttributeName": SORT, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


def query_collection(
    client: Any, table: str, collection: str, newest_first: bool = False, **extra: Any
) -> list[dict[str, Any]]:
    """Every item of one collection, by a paginated Query on the index (eventually consistent).

    Args:
        client: A DynamoDB client.
        table: The table's name.
        collection: The collection's value (``object#taxi_trips``, ...).
        newest_first: Whether to read in descending sort order.
        **extra: More Query arguments (a FilterExpression with its names and values).
    """
    names = {"#collection": COLLECTION, **extra.pop("ExpressionAttributeNames", {})}
    values = {":collection": {"S": collection}, **extra.pop("ExpressionAttributeValues", {})}
    pages = client.get_paginator("query").paginate(
        TableName=table,
        IndexName=INDEX,
        KeyConditionExpression="#collection = :collection",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
        ScanIndexForward=not newest_first,
        **extra,
    )
    return [item for page in pages for item in page.get("Items", [])]


def _collection_of(item: dict[str, Any]) -> tuple[str, str] | None:
    """The collection and sort value an item written before the index should have, if any."""
    key = item[KEY]["S"]
    text = {name: value["S"] for name, value in item.items() if "S" in value}
    if key.startswith(BUILDS) and "model" in text and "partition" in text:
        return BUILDS + text["model"], text["partition"]
    if key.startswith(RUNS) and "started_at" in text:
        return RUNS, text["started_at"]
    if "bucket" in text and "dataset" in text:  # a ledger entry; cursors and pulls need none
        return OBJECTS + text["dataset"], text.get("started_at", "")
    return None


def backfill(client: Any, table: str) -> int:
    """Give every item written before the index its collection; returns how many were updated.

    Safe to run again and while the pipeline runs: an item that has a collection is left alone.
    """
    updated = 0
    pages = client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="attribute_not_exists(#collection)",
        ExpressionAttributeNames={"#collection": COLLECTION},
    )
    for item in (item for page in pages for item in page.get("Items", [])):
        found = _collection_of(item)
        if found is None:
            continue
        try:
            client.update_item(
                TableName=table,
                Key={KEY: item[KEY]},
                UpdateExpression="SET #collection = :collection, #sort = :sort",
                ConditionExpression="attribute_not_exists(#collection)",
                ExpressionAttributeNames={"#collection": COLLECTION, "#sort": SORT},
                ExpressionAttributeValues={
                    ":collection": {"S": found[0]},
                    ":sort": {"S": found[1] or "-"},
                },
            )
        except client.exceptions.ConditionalCheckFailedException:
            continue  # written again meanwhile, with its collection
        updated += 1
    return updated
