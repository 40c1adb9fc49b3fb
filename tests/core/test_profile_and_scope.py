"""``Profile`` (§2.3) and ``Scope`` (§2.4)."""

from __future__ import annotations

from enum import Enum

import pytest

from dioxide import Profile, Scope

BUILT_INS = [
    (Profile.PRODUCTION, "production", "PRODUCTION"),
    (Profile.TEST, "test", "TEST"),
    (Profile.DEVELOPMENT, "development", "DEVELOPMENT"),
    (Profile.STAGING, "staging", "STAGING"),
    (Profile.CI, "ci", "CI"),
    (Profile.ALL, "*", "ALL"),
]


class DescribeProfile:
    @pytest.mark.parametrize(("profile", "value", "name"), BUILT_INS)
    def it_has_built_in_constants_equal_to_their_lower_case_values(
        self, profile: Profile, value: str, name: str
    ) -> None:
        assert isinstance(profile, Profile)
        assert isinstance(profile, str)
        assert profile == value
        assert hash(profile) == hash(value)

    @pytest.mark.parametrize(("profile", "value", "name"), BUILT_INS)
    def it_shows_built_ins_by_their_constant_name(self, profile: Profile, value: str, name: str) -> None:
        assert str(profile) == name
        assert format(profile) == name
        assert f"{profile}" == name
        assert repr(profile) == f"Profile.{name}"

    def it_lower_cases_custom_profiles(self) -> None:
        custom = Profile("Eu-West")
        assert custom == "eu-west"
        assert str(custom) == "eu-west"
        assert f"[{custom:>8}]" == "[ eu-west]"
        assert repr(custom) == "Profile('eu-west')"

    def it_makes_built_in_values_equal_to_the_constants(self) -> None:
        assert Profile("PRODUCTION") == Profile.PRODUCTION
        assert repr(Profile("Test")) == "Profile.TEST"
        assert Profile.ALL == "*"
        assert Profile.TEST != Profile.PRODUCTION

    def it_is_not_an_enum_any_more(self) -> None:
        assert not isinstance(Profile.TEST, Enum)
        assert not hasattr(Profile.TEST, "value")
        assert not hasattr(Profile.TEST, "name")
        with pytest.raises(TypeError):
            iter(Profile)  # type: ignore[call-overload]
        with pytest.raises(TypeError):
            Profile["TEST"]  # type: ignore[misc]

    def it_works_as_a_dict_key_interchangeably_with_the_string(self) -> None:
        table = {Profile.TEST: 1}
        assert table["test"] == 1


class DescribeScope:
    def it_is_a_string_enum_with_three_members(self) -> None:
        assert [member.name for member in Scope] == ["SINGLETON", "FACTORY", "REQUEST"]
        assert Scope.SINGLETON == "singleton"
        assert Scope.FACTORY == "factory"
        assert Scope.REQUEST == "request"
        assert isinstance(Scope.SINGLETON, str)
        assert Scope("factory") is Scope.FACTORY
        assert Scope.REQUEST.value == "request"
