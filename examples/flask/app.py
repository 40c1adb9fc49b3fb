"""The shop on Flask, built by an app factory.

``create_app()`` configures dioxide for the app: the container starts before it returns and every request
gets a scope, so ``inject(Basket)`` is the request's own basket. Tests call ``shutdown_dioxide(app)`` when
done; a server process stops the container at exit.
"""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from dioxide import Profile
from dioxide.flask import configure_dioxide, inject
from examples.shop import PACKAGE, Basket, OutOfStock, buy


def create_app(profile: Profile = Profile.DEVELOPMENT) -> Flask:
    app = Flask(__name__)
    configure_dioxide(app, profile=profile, packages=[PACKAGE])

    @app.get("/stock/<sku>")
    def stock(sku: str) -> ResponseReturnValue:
        return jsonify({sku: inject(Basket).inventory.available(sku)})

    @app.post("/buy/<sku>/<int:quantity>")
    def purchase(sku: str, quantity: int) -> ResponseReturnValue:
        return jsonify(buy(inject(Basket), sku, quantity))

    @app.errorhandler(OutOfStock)
    def out_of_stock(error: OutOfStock) -> ResponseReturnValue:
        return jsonify({"error": str(error)}), 409

    return app


__all__ = ["create_app"]
