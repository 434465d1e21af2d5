"""The default synthetic city meets the published Shenyang figures and is economically plausible."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from innopoints.registry.uscc import is_valid
from innopoints.synth.city import City, SynthConfig, generate_city


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city(SynthConfig())


@pytest.fixture(scope="module")
def panel(city: City) -> pl.DataFrame:
    return city.panel_wide()


def test_enterprise_counts_match_published_figures(city: City) -> None:
    ent = city.enterprises
    active = ent.filter(pl.col("exit_date").is_null())
    assert active.height == 30_083
    new = active.filter(pl.col("registration_date").dt.year() == 2025).height
    assert abs(new - 4_765) <= 0.005 * 4_765
    assert ent.filter(pl.col("exit_date").is_not_null()).height > 0  # some firms stopped reporting
    assert ent["registration_date"].dt.year().min() < 1995
    assert ent["uscc"].n_unique() == ent.height
    assert all(is_valid(u) for u in ent["uscc"].sample(2000, seed=1).to_list())
    assert ent["is_synthetic"].all()


def test_district_and_park_distribution(city: City) -> None:
    active = city.enterprises.filter(pl.col("exit_date").is_null())
    by_district = active.group_by("district_code").len().sort("len", descending=True)
    assert by_district.height == 13
    assert by_district["district_code"][0] == "210112"  # 浑南区 largest
    assert active["park_id"].null_count() > active.height / 2  # most firms are in no park
    parks = active.drop_nulls("park_id").group_by("park_id").len().sort("len", descending=True)
    assert set(parks["park_id"][:2]) == {"hunnan_science_city", "high_tech_zone"}
    assert active["cluster_id"].n_unique() == 10
    assert active["high_tech_field_id"].n_unique() == 8


def test_ladder_tiers(city: City) -> None:
    active = city.enterprises.filter(pl.col("exit_date").is_null())
    tiers = dict(active.drop_nulls("ladder_tier").group_by("ladder_tier").len().iter_rows())
    assert sum(tiers.values()) == 2_853
    assert (
        tiers["eaglet"] > tiers["gazelle"] > tiers.get("seed_unicorn", 0) + tiers.get("potential_unicorn", 0)
    )
    assert 1 <= tiers["unicorn"] <= 5
    ages = active.filter(pl.col("ladder_tier") == "unicorn").select(
        2025 - pl.col("registration_date").dt.year()
    )
    assert ages.to_series().max() <= 10
    assert not active.filter(pl.col("ladder_tier") == "unicorn")["listed"].any()


def test_high_tech_and_tech_sme(city: City, panel: pl.DataFrame) -> None:
    ent = city.enterprises
    valid = ent.filter(pl.col("high_tech_cert_expires_on") >= date(2025, 12, 31)).height
    assert 6_000 <= valid <= 7_000
    certs = city.qualifications.filter(pl.col("kind") == "high_tech_enterprise")
    assert (certs["expires_on"] - certs["granted_on"]).dt.total_days().is_between(1093, 1096).all()
    sme = city.qualifications.filter(pl.col("kind") == "tech_sme").select("enterprise_id", "year")
    assert 5_000 < sme.filter(pl.col("year") == 2025).height < 20_000
    ref = sme.join(ent.select("id", "uscc"), left_on="enterprise_id", right_on="id").with_columns(
        ref_year=pl.col("year") - 1
    )
    rows = ref.join(panel, left_on=["uscc", "ref_year"], right_on=["uscc", "year"])
    assert rows.height == sme.height
    assert (rows["employees"] <= 500 * 100).all()
    assert (rows["sales_revenue"] <= 200_000_000 * 100).all()
    assert (rows["total_assets"] <= 200_000_000 * 100).all()
    assert ent.filter(pl.col("listed")).height < 100
    assert 0 < ent.filter(pl.col("tech_leader")).height < 30
    assert 0 < ent.filter(pl.col("negative_records") > 0).height < 0.05 * ent.height


def test_panel_plausibility(panel: pl.DataFrame) -> None:
    both = panel.drop_nulls(["employees", "sci_tech_staff", "rd_staff"])
    assert (both["sci_tech_staff"] <= both["employees"]).all()
    assert (both["rd_staff"] <= both["sci_tech_staff"]).all()
    rd = panel.drop_nulls(["rd_expense", "cost_expense_total", "rd_expense_domestic"])
    assert (rd["rd_expense"] <= rd["cost_expense_total"]).all()
    assert (rd["rd_expense_domestic"] <= rd["rd_expense"]).all()
    assert (panel["net_profit"].drop_nulls() < 0).mean() > 0.05  # losses exist
    rev = panel.filter(pl.col("year") == 2025)["sales_revenue"].drop_nulls() / 100
    assert rev.max() > 50 * rev.median()  # heavy tail
    assert panel["valuation"].drop_nulls().len() < 0.15 * panel.height  # venture money is concentrated
    for code in ("employees", "rd_expense", "ip_invention_granted"):
        assert 0 < panel[code].null_count() < 0.1 * panel.height  # realistic gaps, mostly present


def test_growth_has_signal_without_being_deterministic(panel: pl.DataFrame) -> None:
    wide = panel.select("uscc", "year", "sales_revenue").pivot(
        on="year", index="uscc", values="sales_revenue"
    )
    wide = wide.drop_nulls().filter(pl.all_horizontal(pl.exclude("uscc") > 100_000 * 100))
    early = np.log(wide["2023"].to_numpy() / wide["2022"].to_numpy())
    late = np.log(wide["2025"].to_numpy() / wide["2024"].to_numpy())
    corr = float(np.corrcoef(early, late)[0, 1])
    assert 0.05 < corr < 0.8


def test_transfer_entities(city: City) -> None:
    t = city.tables
    bases = t["pilot_base"]
    assert bases.filter(pl.col("kind") == "pilot").height == 71
    assert bases.filter(pl.col("kind") == "concept").height == 59
    assert bases["cluster_id"].n_unique() == 10
    assert t["pilot_service"]["subfield"].n_unique() == 156
    assert bases["new_products"].sum() == 764
    assert bases["new_technologies"].sum() == 533
    assert 200 <= bases["incubated_enterprises"].sum() < 250
    assert 3_600 <= bases["service_contracts"].sum() < 3_700
    inst = t["institution"]
    assert (inst["inventor_share_min"].cast(pl.Float64) >= 0.70).all()
    assert inst.filter(pl.col("name") == "东北大学")["inventor_share_max"].item() == "0.92"
    shares = t["achievement_inventor"].group_by("achievement_id").agg(pl.col("share"))
    for row in shares.iter_rows():
        assert sum(Decimal(s) for s in row[1]) == Decimal(1)
        assert all(Decimal(s) > 0 for s in row[1])
    ach = t["achievement"]
    assert ach["title"].n_unique() > 0.9 * ach.height
    assert set(ach["transfer_mode"].unique()) == {"transfer", "license", "equity", "joint_development"}
    assert ach["trl"].is_between(1, 9).all() and ach["pay_after_use"].any()
    assert (
        900 <= t["broker"].height <= 1_100 and t["broker"]["certificate_no"].n_unique() == t["broker"].height
    )
    assert t["expert"]["is_tech_commissioner"].any()
    assert t["bank"].height == 17


def test_contracts_and_loans(city: City, panel: pl.DataFrame) -> None:
    c = city.tables["tech_contract"].filter(pl.col("status") == "registered")
    by_year = dict(c.group_by(pl.col("decided_on").dt.year()).agg(pl.col("amount_fen").sum()).iter_rows())
    assert abs(by_year[2025] - 83_060_000_000 * 100) <= 0.01 * 83_060_000_000 * 100
    assert by_year[2021] < by_year[2022] < by_year[2023] < by_year[2024] < by_year[2025]
    assert set(c["contract_type"].unique()) == {"development", "transfer", "license", "consulting", "service"}
    seller = c.filter(pl.col("seller_enterprise_id").is_not_null()).join(
        city.enterprises.select("id", "uscc"), left_on="seller_enterprise_id", right_on="id"
    )
    per_firm = seller.group_by("uscc", year=pl.col("decided_on").dt.year()).agg(pl.col("amount_fen").sum())
    joined = per_firm.join(
        panel.select("uscc", pl.col("year").cast(pl.Int32), "tech_contract_turnover"), on=["uscc", "year"]
    )
    assert joined.height == per_firm.height
    assert (joined["amount_fen"] == joined["tech_contract_turnover"]).all()
    loans = city.tables["loan"].filter(
        pl.col("disbursed_on").is_not_null() & (pl.col("product_type") == "points_credit")
    )
    assert abs(loans["amount_fen"].sum() - 2_500_000_000 * 100) <= 0.02 * 2_500_000_000 * 100


def test_same_seed_same_city_and_other_seed_differs() -> None:
    a = generate_city(SynthConfig(seed=7, enterprises=600))
    b = generate_city(SynthConfig(seed=7, enterprises=600))
    c = generate_city(SynthConfig(seed=8, enterprises=600))
    assert a.enterprises.equals(b.enterprises)
    assert a.panel_wide().equals(b.panel_wide())
    assert a.qualifications.equals(b.qualifications)
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert not a.enterprises.equals(c.enterprises)
    assert a.enterprises.filter(pl.col("exit_date").is_null()).height == 600


def test_invalid_size_is_refused() -> None:
    with pytest.raises(ValueError):
        generate_city(SynthConfig(enterprises=0))
