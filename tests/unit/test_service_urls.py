"""domain/service_urls.py: the forms parsers disagree on are refused; what is accepted comes back normalised."""

from __future__ import annotations

import pytest

from domain.service_urls import check, normalise_host

ALLOWED = ("smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com", "xn--bcher-kva.example")


def production(url: object) -> tuple[str | None, str | None]:
    result = check(url, allowed_hosts=ALLOWED, local=False)
    return result.url, result.refusal


def local(url: object) -> tuple[str | None, str | None]:
    result = check(url, allowed_hosts=ALLOWED, local=True)
    return result.url, result.refusal


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/emea/"),
        ("https://smba.trafficmanager.net/amer/72f988bf-86f1-41af-91ab-2d7cd011db47/",
         "https://smba.trafficmanager.net/amer/72f988bf-86f1-41af-91ab-2d7cd011db47/"),
        ("https://SMBA.TrafficManager.NET/emea/", "https://smba.trafficmanager.net/emea/"),
        ("HTTPS://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/emea/"),
        ("https://smba.trafficmanager.net./emea/", "https://smba.trafficmanager.net/emea/"),
        ("https://smba.trafficmanager.net:443/emea/", "https://smba.trafficmanager.net/emea/"),
        ("https://smba.trafficmanager.net", "https://smba.trafficmanager.net/"),
        ("https://smba.infra.gcc.teams.microsoft.com/", "https://smba.infra.gcc.teams.microsoft.com/"),
        ("https://bücher.example/x/", "https://xn--bcher-kva.example/x/"),
        ("https://BÜCHER.example/x/", "https://xn--bcher-kva.example/x/"),
    ],
    ids=["teams", "tenant-path", "uppercase-host", "uppercase-scheme", "trailing-dot", "port-443", "no-path",
         "gcc", "idna", "idna-uppercase"],
)
def test_accepted_urls_come_back_normalised(url: str, normalised: str) -> None:
    assert production(url) == (normalised, None)
    assert local(url) == (normalised, None)


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        # the form from the issue: urllib.parse reads smba… after the '@', urllib3 connects to evil.example
        ("https://evil.example\\@smba.trafficmanager.net/", "backslash"),
        ("https://smba.trafficmanager.net\\@evil.example/", "backslash"),
        ("https://smba.trafficmanager.net\\evil.example/", "backslash"),
        ("https://smba.trafficmanager.net/emea\\x/", "backslash"),
        ("https://evil.example@smba.trafficmanager.net/", "userinfo"),
        ("https://smba.trafficmanager.net@evil.example/", "userinfo"),
        ("https://user:pass@smba.trafficmanager.net/", "userinfo"),
        ("https://@smba.trafficmanager.net/", "userinfo"),
        ("https://evil.example%40smba.trafficmanager.net/", "percent_in_authority"),
        ("https://smba%2etrafficmanager.net/", "percent_in_authority"),
        ("https://smba.trafficmanager.net%2eevil.example/", "percent_in_authority"),
        ("https://smba.trafficmanager.net/%2e%2e/", "percent_in_path"),
        ("https://smba.trafficmanager.net\t/emea/", "control_or_space"),
        ("https://smba.traffic\nmanager.net/", "control_or_space"),
        ("https://evil.example\r\n@smba.trafficmanager.net/", "control_or_space"),
        ("https://smba.trafficmanager.net/emea/\n", "control_or_space"),
        (" https://smba.trafficmanager.net/", "control_or_space"),
        ("https://smba.trafficmanager.net /", "control_or_space"),
        ("https://smba.trafficmanager.net\x00.evil.example/", "control_or_space"),
        ("https://smba\u200b.trafficmanager.net/", "control_or_space"),
        ("https://smba.trafficmanager.net\u2028/", "control_or_space"),
        ("https://smba.trafficmanager.net/?x=@evil.example", "query_or_fragment"),
        ("https://smba.trafficmanager.net#@evil.example/", "query_or_fragment"),
        ("https://smba.trafficmanager.net:444/", "port_not_allowed"),
        ("https://smba.trafficmanager.net:8443/", "port_not_allowed"),
        ("https://smba.trafficmanager.net:0443/", "bad_port"),
        ("https://smba.trafficmanager.net:/", "bad_port"),
        ("https://smba.trafficmanager.net:99999/", "bad_port"),
        ("https://smba.trafficmanager.net:443:444/", "bad_port"),
        ("http://smba.trafficmanager.net/emea/", "scheme_not_https"),
        ("ftp://smba.trafficmanager.net/", "scheme_not_allowed"),
        ("javascript://smba.trafficmanager.net/", "scheme_not_allowed"),
        ("https:/smba.trafficmanager.net/", "not_absolute"),
        ("https:smba.trafficmanager.net/", "not_absolute"),
        ("//smba.trafficmanager.net/", "not_absolute"),
        ("smba.trafficmanager.net/emea/", "not_absolute"),
        ("https://smba.trafficmanager.net.evil.example/", "host_not_allowed"),
        ("https://evilsmba.trafficmanager.net/", "host_not_allowed"),  # exact hosts, no suffix rule
        ("https://trafficmanager.net/", "host_not_allowed"),
        ("https://evil.example/smba.trafficmanager.net/", "host_not_allowed"),
        ("https://smbа.trafficmanager.net/", "host_not_allowed"),  # Cyrillic а: xn--smb-8cd…, not ours
        ("https://smba。trafficmanager.net/", "host_not_allowed"),  # an ideographic full stop is not a dot here
        ("https://ｓｍｂａ.trafficmanager.net/", "bad_host"),  # full-width letters IDNA folds onto ASCII
        ("https://smba.trafficmanager.net../", "bad_host"),
        ("https://smba..trafficmanager.net/", "bad_host"),
        ("https://smba_x.trafficmanager.net/", "bad_host"),
        ("https://-smba.trafficmanager.net/", "bad_host"),
        ("https://[2001:db8::1]/", "host_not_allowed"),
        ("https://[::1]/", "loopback_not_allowed"),
        ("https://[::1", "bad_host"),
        ("https://[fe80::1%25eth0]/", "percent_in_authority"),
        ("https://[not-ipv6]/", "bad_host"),
        ("https:///x", "empty_host"),
        ("https://", "empty_host"),
        ("https://:443/", "empty_host"),
        ("", "empty"),
        (None, "empty"),
        (42, "empty"),
        ("https://smba.trafficmanager.net/" + "a" * 400, "too_long"),
        ("https://smba.trafficmanager.net/emea/<script>", "bad_path"),
        ("https://smba.trafficmanager.net/\"x", "bad_path"),
        ("https://smba.trafficmanager.net/ö/", "bad_path"),
    ],
)
def test_refused_in_production(url: object, refusal: str) -> None:
    assert production(url) == (None, refusal)


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123/"),
        ("https://127.0.0.1/", "https://127.0.0.1/"),
        ("http://localhost:3979/", "http://localhost:3979/"),
        ("http://LOCALHOST.:3979/", "http://localhost:3979/"),
        ("http://[::1]:9000/", "http://[::1]:9000/"),
        ("http://[0:0:0:0:0:0:0:1]:9000/", "http://[::1]:9000/"),
        ("http://127.0.0.1:80/", "http://127.0.0.1/"),
    ],
)
def test_loopback_only_in_local_mode(url: str, normalised: str) -> None:
    assert local(url) == (normalised, None)
    assert production(url)[0] is None


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://127.0.0.1:9999\\@127.0.0.1:8123/", "backslash"),
        ("http://127.0.0.1:8123@127.0.0.1:9999/", "userinfo"),
        ("http://127.0.0.1:8123%40127.0.0.1:9999/", "percent_in_authority"),
        ("http://127.0.0.1:8123\t/", "control_or_space"),
        ("http://0x7f.0.0.1:8123/", "scheme_not_https"),  # not a loopback spelling we accept, so not loopback
        ("http://127.1:8123/", "scheme_not_https"),
        ("https://127.1/", "host_not_allowed"),
        ("http://smba.trafficmanager.net/emea/", "scheme_not_https"),  # local mode widens loopback only
        ("https://smba.trafficmanager.net:8443/", "port_not_allowed"),
    ],
)
def test_local_mode_refuses_the_same_forms(url: str, refusal: str) -> None:
    assert local(url) == (None, refusal)


def test_the_normalised_url_is_a_fixed_point() -> None:
    """Checking a normalised URL again gives the same URL: delivery relies on it (only the normalised is sent)."""
    for url in ("HTTPS://SMBA.trafficmanager.net.:443/emea/", "https://bücher.example/", "http://[0::1]:80/x"):
        first = check(url, allowed_hosts=ALLOWED, local=True).url
        assert first is not None
        assert check(first, allowed_hosts=ALLOWED, local=True).url == first


def test_the_allow_list_is_normalised_the_same_way() -> None:
    result = check("https://smba.trafficmanager.net/emea/", allowed_hosts=["SMBA.TrafficManager.net."], local=False)
    assert result.url == "https://smba.trafficmanager.net/emea/"
    assert check("https://bücher.example/", allowed_hosts=["BÜCHER.example"], local=False).ok


def test_refusals_report_the_host_only_when_it_was_read() -> None:
    assert check("https://evil.example/", allowed_hosts=ALLOWED, local=False).host == "evil.example"
    assert check("https://a\\@b/", allowed_hosts=ALLOWED, local=False).host == ""


@pytest.mark.parametrize(
    ("host", "normalised"),
    [("SMBA.trafficmanager.net.", "smba.trafficmanager.net"), ("bücher.example", "xn--bcher-kva.example"),
     ("[::1]", "[::1]"), ("", None), ("a..b", None), ("ｓｍｂａ.net", None), ("x" * 64 + ".net", None)],
)
def test_normalise_host(host: str, normalised: str | None) -> None:
    assert normalise_host(host) == normalised
