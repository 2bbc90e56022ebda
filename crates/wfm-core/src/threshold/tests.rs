//! Tests of threshold colors at every boundary, the defaults and validation.

use super::*;
use Color::{Green, Grey, Red, Yellow};

fn deviation(decline: Option<(f64, f64)>, growth: Option<(f64, f64)>) -> Threshold {
    let band = |(acceptable, critical)| Band {
        acceptable,
        critical,
    };
    Threshold::Deviation {
        decline: decline.map(band),
        growth: growth.map(band),
    }
}

#[test]
fn floor_boundaries() {
    let floor = Threshold::Floor {
        acceptable: 80.0,
        critical: 70.0,
    };
    for (value, color) in [
        (100.0, Green),
        (80.0, Green),
        (79.99, Yellow),
        (70.0, Yellow),
        (69.99, Red),
        (0.0, Red),
    ] {
        assert_eq!(floor.color(Some(value), None), color, "{value}");
    }
    // The plan plays no part in a floor.
    assert_eq!(floor.color(Some(75.0), Some(10.0)), Yellow);
}

#[test]
fn floor_at_a_computed_boundary_is_on_it() {
    let floor = Indicator::OperatorsOnline.default_threshold();
    assert_eq!(floor.color(Some(70.0 - 1e-12), None), Yellow);
    assert_eq!(floor.color(Some(80.0 - 1e-12), None), Green);
}

#[test]
fn deviation_boundaries_on_both_sides() {
    let t = deviation(Some((10.0, 20.0)), Some((5.0, 15.0)));
    let plan = Some(100.0);
    for (value, color) in [
        (100.0, Green),
        (90.0, Green),
        (89.99, Yellow),
        (80.0, Yellow),
        (79.99, Red),
        (105.0, Green),
        (105.01, Yellow),
        (115.0, Yellow),
        (115.01, Red),
    ] {
        assert_eq!(t.color(Some(value), plan), color, "{value}");
    }
}

#[test]
fn computed_deviation_at_a_boundary_is_on_it() {
    let t = Indicator::Acd.default_threshold();
    assert_ne!(64.4 - 59.4, 5.0, "the float difference misses 5");
    assert_eq!(t.color(Some(64.4), Some(59.4)), Green);
    assert_eq!(t.color(Some(59.4), Some(64.4)), Green);
}

#[test]
fn missing_band_leaves_its_side_green() {
    let t = deviation(Some((5.0, 10.0)), None);
    assert_eq!(t.color(Some(1000.0), Some(0.0)), Green);
    assert_eq!(t.color(Some(-10.01), Some(0.0)), Red);
    let t = deviation(None, None);
    assert_eq!(t.color(Some(-1e9), Some(0.0)), Green);
}

#[test]
fn zero_width_bands_flag_any_deviation() {
    let t = deviation(Some((0.0, 0.0)), Some((0.0, 1.0)));
    assert_eq!(t.color(Some(50.0), Some(50.0)), Green);
    assert_eq!(t.color(Some(49.0), Some(50.0)), Red);
    assert_eq!(t.color(Some(51.0), Some(50.0)), Yellow);
}

#[test]
fn grey_when_undefined() {
    let floor = Indicator::OperatorsOnline.default_threshold();
    let dev = Indicator::ServiceLevel.default_threshold();
    assert_eq!(floor.color(None, Some(80.0)), Grey);
    assert_eq!(floor.color(Some(f64::NAN), None), Grey);
    assert_eq!(dev.color(None, Some(80.0)), Grey);
    assert_eq!(dev.color(Some(80.0), None), Grey);
    assert_eq!(dev.color(Some(80.0), Some(f64::INFINITY)), Grey);
    assert_eq!(dev.color(Some(f64::NEG_INFINITY), Some(80.0)), Grey);
}

#[test]
fn default_operators_online() {
    let t = Indicator::OperatorsOnline.default_threshold();
    assert_eq!(t.color(Some(80.0), None), Green);
    assert_eq!(t.color(Some(70.0), None), Yellow);
    assert_eq!(t.color(Some(69.9), None), Red);
}

#[test]
fn default_load_deviation_and_aht_trend() {
    for indicator in [Indicator::LoadDeviation, Indicator::AhtTrend] {
        let t = indicator.default_threshold();
        for (value, color) in [
            (-10.0, Green),
            (-10.5, Yellow),
            (-20.0, Yellow),
            (-20.5, Red),
            (10.0, Green),
            (10.5, Yellow),
            (20.0, Yellow),
            (20.5, Red),
        ] {
            assert_eq!(
                t.color(Some(value), Some(0.0)),
                color,
                "{indicator} {value}"
            );
        }
    }
}

#[test]
fn default_operator_requirement() {
    let t = Indicator::OperatorRequirement.default_threshold();
    // value = required - online: shortage above zero, surplus below.
    for (value, color) in [
        (0.0, Green),
        (1.0, Green),
        (2.0, Yellow),
        (3.0, Yellow),
        (4.0, Red),
        (-1.0, Green),
        (-2.0, Yellow),
        (-3.0, Yellow),
        (-4.0, Red),
    ] {
        assert_eq!(t.color(Some(value), Some(0.0)), color, "{value}");
    }
}

#[test]
fn default_service_level() {
    let t = Indicator::ServiceLevel.default_threshold();
    let target = Some(80.0);
    for (value, color) in [
        (100.0, Green),
        (80.0, Green),
        (75.0, Green),
        (74.9, Yellow),
        (70.0, Yellow),
        (69.9, Red),
    ] {
        assert_eq!(t.color(Some(value), target), color, "{value}");
    }
}

#[test]
fn default_acd() {
    let t = Indicator::Acd.default_threshold();
    let forecast = Some(90.0);
    for (value, color) in [
        (95.0, Green),
        (95.5, Yellow),
        (100.0, Yellow),
        (85.0, Green),
        (84.5, Yellow),
        (80.0, Yellow),
        (79.5, Red),
    ] {
        assert_eq!(t.color(Some(value), forecast), color, "{value}");
    }
}

#[test]
fn defaults_are_valid_and_reachable_by_indicator() {
    let thresholds = Thresholds::default();
    assert_eq!(thresholds.validate(), Ok(()));
    for indicator in Indicator::ALL {
        assert_eq!(*thresholds.get(indicator), indicator.default_threshold());
    }
}

#[test]
fn indicator_names_round_trip() {
    use serde::de::IntoDeserializer;
    use serde::de::value::Error;
    for indicator in Indicator::ALL {
        let name = indicator.as_str();
        assert_eq!(name.parse::<Indicator>(), Ok(indicator));
        assert_eq!(indicator.to_string(), name);
        let deserialized =
            Indicator::deserialize(IntoDeserializer::<Error>::into_deserializer(name));
        assert_eq!(deserialized, Ok(indicator), "serde name of {name}");
    }
    assert_eq!(
        "sla".parse::<Indicator>(),
        Err(UnknownIndicator("sla".into()))
    );
}

#[test]
fn validation_names_the_field() {
    let cases = [
        (
            Threshold::Floor {
                acceptable: 101.0,
                critical: 70.0,
            },
            "acceptable",
        ),
        (
            Threshold::Floor {
                acceptable: 80.0,
                critical: -1.0,
            },
            "critical",
        ),
        (
            Threshold::Floor {
                acceptable: f64::NAN,
                critical: 70.0,
            },
            "acceptable",
        ),
        (
            Threshold::Floor {
                acceptable: 70.0,
                critical: 80.0,
            },
            "critical",
        ),
        (deviation(Some((-1.0, 5.0)), None), "decline.acceptable"),
        (
            deviation(Some((1.0, f64::INFINITY)), None),
            "decline.critical",
        ),
        (deviation(None, Some((10.0, 5.0))), "growth.critical"),
        (deviation(None, Some((f64::NAN, 5.0))), "growth.acceptable"),
        (deviation(None, Some((5.0, 1e308))), "growth.critical"),
    ];
    for (threshold, field) in cases {
        let err = threshold.validate().unwrap_err();
        assert_eq!(err.field, field, "{threshold:?}");
        assert!(err.to_string().starts_with(field));
    }
    assert_eq!(deviation(Some((5.0, 5.0)), None).validate(), Ok(()));
    assert_eq!(deviation(None, Some((0.0, 100_000.0))).validate(), Ok(()));
}

#[test]
fn thresholds_validation_prefixes_the_indicator() {
    let mut thresholds = Thresholds::default();
    *thresholds.get_mut(Indicator::ServiceLevel) = deviation(Some((-5.0, 10.0)), None);
    let err = thresholds.validate().unwrap_err();
    assert_eq!(err.field, "service_level.decline.acceptable");
}
