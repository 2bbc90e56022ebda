-- Labor rules per site: the limits staffing suggestions respect (shift length, breaks,
-- rest, overtime) and the pay multipliers, as JSON of wfm_core::labor::LaborRules. A site
-- without a row uses the defaults.
CREATE TABLE labor_rules (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    rules TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
