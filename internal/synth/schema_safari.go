package synth

// safariHistorySchema is Safari's History.db as iOS 15-17 write it (written
// from knowledge of the format; MVT's test backup has no History.db).
// history_visits.redirect_source/redirect_destination link the two visits of
// a redirect.
var safariHistorySchema = []string{
	`CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL UNIQUE,domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT NULL,weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT NULL,status_code INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,visit_time REAL NOT NULL,title TEXT NULL,load_successful BOOLEAN NOT NULL DEFAULT 1,http_non_get BOOLEAN NOT NULL DEFAULT 0,synthesized BOOLEAN NOT NULL DEFAULT 0,redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,origin INTEGER NOT NULL DEFAULT 0,generation INTEGER NOT NULL DEFAULT 0,attributes INTEGER NOT NULL DEFAULT 0,score INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,start_time REAL NOT NULL,end_time REAL NOT NULL,url TEXT,generation INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE history_client_versions (client_version INTEGER PRIMARY KEY,last_seen REAL NOT NULL)`,
	`CREATE TABLE history_event_listeners (listener_name TEXT PRIMARY KEY NOT NULL UNIQUE,last_seen REAL NOT NULL)`,
	`CREATE TABLE history_events (id INTEGER PRIMARY KEY AUTOINCREMENT,event_type TEXT NOT NULL,event_time REAL NOT NULL,pending_listeners TEXT NOT NULL,value BLOB)`,
	`CREATE TABLE history_tags (id INTEGER PRIMARY KEY AUTOINCREMENT,type INTEGER NOT NULL,level INTEGER NOT NULL,identifier TEXT NOT NULL,title TEXT NOT NULL,modification_timestamp REAL NOT NULL,item_count INTEGER NOT NULL DEFAULT 0,UNIQUE(type, identifier))`,
	`CREATE TABLE history_items_to_tags (history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,tag_id INTEGER NOT NULL REFERENCES history_tags(id) ON DELETE CASCADE,timestamp REAL NOT NULL,UNIQUE(history_item, tag_id))`,
	`CREATE TABLE metadata (key TEXT NOT NULL UNIQUE, value)`,
}

var safariHistoryIndexes = []string{
	`CREATE INDEX history_items__domain_expansion ON history_items (domain_expansion)`,
	`CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC, synthesized ASC)`,
	`CREATE INDEX history_visits__origin ON history_visits (origin, generation)`,
	`CREATE INDEX history_tombstones__generation ON history_tombstones (generation)`,
	`CREATE INDEX history_tombstones__end_time ON history_tombstones (end_time)`,
}

// browserStateSchema is Safari's BrowserState.db (iOS 15-17), open tabs and
// their back/forward lists.
var browserStateSchema = []string{
	`CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT UNIQUE NOT NULL, standalone_uuid TEXT, scene_id TEXT, active_document_index INTEGER NOT NULL DEFAULT 0, is_private INTEGER NOT NULL DEFAULT 0, last_selected_tab_group_uuid TEXT)`,
	`CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT UNIQUE NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL, user_visible_url TEXT NOT NULL, order_index INTEGER NOT NULL, last_viewed_time REAL NOT NULL, opened_from_link INTEGER NOT NULL DEFAULT 0, showing_reader INTEGER NOT NULL DEFAULT 0, reader_view_top_scroll_offset INTEGER NOT NULL DEFAULT 0, private_browsing INTEGER NOT NULL DEFAULT 0, displaying_standalone_image INTEGER NOT NULL DEFAULT 0, browser_window_uuid TEXT, browser_window_id INTEGER REFERENCES browser_windows(id) ON DELETE CASCADE, wants_desktop_user_agent INTEGER NOT NULL DEFAULT 0, scene_id TEXT, owning_tab_uuid TEXT)`,
	`CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, tab_uuid TEXT NOT NULL UNIQUE REFERENCES tabs(uuid) ON DELETE CASCADE, session_data BLOB)`,
	`CREATE INDEX tabs__browser_window_id ON tabs (browser_window_id)`,
}
