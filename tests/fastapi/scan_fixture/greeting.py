from dioxide import service


@service
class PackagedGreeter:
    def greet(self) -> str:
        return "hello from the package"
