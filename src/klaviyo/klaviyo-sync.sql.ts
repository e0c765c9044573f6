/**
 * The SQL of a Klaviyo sync: the diff between a segment run and the sync ledger, computed in the database
 * (a million customers never pass through the process to find the 2% that changed).
 */
import { inCustomerPartSql } from '../store/customer-parts';
import { PROFILE_PROPERTIES, type ProfilePropertyName } from './core/profiles';

/**
 * A phone in E.164 or null, as core/profiles.ts e164() reads it: separators dropped, a leading 00 made +,
 * then + and 8 to 15 digits. `column` is a trusted column name, never data.
 */
function e164Sql(column: string): string {
  const cleaned = `regexp_replace(regexp_replace(${column}, '[\\s().\\-/]', '', 'g'), '^00', '+')`;
  // Most customers have no phone and most phones are E.164 already: the clean-up only runs for the rest.
  return `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} ~ '^\\+[1-9][0-9]{7,14}$' THEN ${column}
    WHEN ${cleaned} ~ '^\\+[1-9][0-9]{7,14}$' THEN ${cleaned} END`;
}

const EMAIL = `nullif(btrim(cu.email), '')`;
const PHONE = e164Sql('cu.phone');

/** Whether a customer belongs to part $6 of $5 of the plan. `column` is a trusted column name, never data. */
function inPart(column: string): string {
  return inCustomerPartSql(column, '$5', '$6');
}

/**
 * Each property as the plan sends it, from the columns of its `planned` rows: rounded and formatted as
 * Klaviyo gets it. Together one JSON array in PROFILE_PROPERTIES order (named again in plan-stream.ts): one
 * column instead of fourteen made the rows narrower to sort and cheaper to read (at a million profiles, each
 * part's first row 2 s sooner and 2 s less of the sync's CPU).
 */
const PROPERTY_VALUES: Record<ProfilePropertyName, string> = {
  rfm_group: 'rfm_group',
  rfm_score: 'rfm_score',
  r: 'r',
  f: 'f',
  m: 'm',
  recency_days: 'recency_days',
  orders: 'frequency',
  net_spent: 'monetary::float8',
  aov: 'aov::float8',
  vip_tier: 'vip_tier',
  segments: `coalesce(segments, '{}'::text[])`,
  last_segment_change: `to_char(last_change AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
  predicted_clv: 'predicted_clv::float8',
  churn_risk: 'round(churn_risk::numeric, 4)::float8',
};

/**
 * The plan: one row per customer whose profile must change in Klaviyo, and one per member of the run
 * Klaviyo cannot identify (neither email nor E.164 phone: `unreachable`, skipped and counted from these
 * rows; a count of its own scanned the run again, a second of the server at a million customers). For
 * every reachable member of the run: a hash of the identity and of every column the properties are made
 * of, and the lists the customer belongs in; against the ledger: what to send (upsert: new, or the hash
 * differs, or lists to join) and which lists to leave. Ledger customers absent from the run or no longer
 * reachable leave every list. Customers are compared by a 64-bit hash of the run's raw columns (a change
 * goes unseen only on a 1 in 2^64 collision): building every profile's JSON in SQL to compare it cost more
 * than the rest of the plan together. Only the rows sent carry their properties, as one JSON array (see
 * PROPERTY_VALUES).
 * The rows are read through a cursor (see plan-stream.ts), never stored: writing a million-row plan and
 * reading it back cost more than finding it. They come in add_key order (byte order, see
 * core/plan-progress.ts), so the profiles joining the same lists come together and each part fills one
 * import job at a time: in no order, every group's job filled at once and the profiles held meanwhile made
 * the sync's garbage collection cost more than the writing saved (a third more CPU in the sync process at a
 * million profiles). The plan can be read in parts, each a
 * share of the customers by a hash of their id, on connections of their own: one statement uses one core
 * of the database server.
 * The last segment change is the run's own (the date each membership last entered a group or tier, see
 * insertMembershipsSql), not an aggregate of the shop's history of changes.
 * Parameters: $1 shop, $2 run id, $3 enabled saved segment keys, $4 keys of the segments whose list exists,
 * $5 number of parts, $6 this part (0 to $5 - 1).
 */
export const PLAN_DIFF = `
  WITH saved AS (
    SELECT sm.customer_id, array_agg(s.key ORDER BY s.key) AS keys
    FROM saved_segment_members sm CROSS JOIN LATERAL unnest(sm.segment_ids) AS sid
    JOIN saved_segments s ON s.shop_id = sm.shop_id AND s.segment_id = sid
    WHERE sm.shop_id = $1 AND sm.run_id = $2 AND ${inPart('sm.customer_id')}
    GROUP BY sm.customer_id
  ), identities AS (
    -- OFFSET 0: each customer's email and phone worked out once, not again wherever they are used.
    SELECT customer_id, email, phone
    FROM (SELECT cu.customer_id, ${EMAIL} AS email, ${PHONE} AS phone FROM customers cu
          WHERE cu.shop_id = $1 AND ${inPart('cu.customer_id')} OFFSET 0) AS c
    WHERE email IS NOT NULL OR phone IS NOT NULL
  ), desired AS (
    SELECT m.customer_id, id.customer_id IS NOT NULL AS reachable, id.email, id.phone, m.rfm_group, m.rfm_score, m.r,
           m.f, m.m, m.recency_days, m.frequency, m.monetary, m.aov, m.vip_tier, sv.keys AS segments,
           m.last_change_at AS last_change, m.predicted_clv, m.churn_risk,
           -- Raw columns: a change below the rounding of what is sent resends an identical profile, harmlessly.
           hash_record_extended(ROW(id.email, id.phone, m.rfm_group, m.rfm_score, m.r, m.f, m.m, m.recency_days,
             m.frequency, m.monetary, m.aov, m.vip_tier, sv.keys, m.last_change_at, m.predicted_clv, m.churn_risk), 0)::text AS hash,
           -- Sorted as keys sort (rfm:, segment:, vip:) without a sort per customer; only lists that exist.
           -- An unreachable member belongs in none (null, as a customer absent from the run).
           CASE WHEN id.customer_id IS NOT NULL THEN
             array_remove(ARRAY[CASE WHEN 'rfm:' || m.rfm_group = ANY($4::text[]) THEN 'rfm:' || m.rfm_group END], NULL)
             || CASE WHEN sv.keys IS NULL THEN '{}'::text[] ELSE ARRAY(
                  SELECT 'segment:' || s FROM unnest(sv.keys) AS s
                  WHERE s = ANY($3::text[]) AND 'segment:' || s = ANY($4::text[]) ORDER BY s) END
             || array_remove(ARRAY[CASE WHEN 'vip:' || m.vip_tier = ANY($4::text[]) THEN 'vip:' || m.vip_tier END], NULL)
           END AS lists
    FROM segment_memberships m
    LEFT JOIN identities id ON id.customer_id = m.customer_id
    LEFT JOIN saved sv ON sv.customer_id = m.customer_id
    WHERE m.shop_id = $1 AND m.run_id = $2 AND ${inPart('m.customer_id')}
    -- OFFSET 0 keeps the hash and the lists one computation per customer (inlined, each use repeats it).
    OFFSET 0
  ), ledger AS (
    SELECT customer_id, profile_id, properties_hash, lists FROM klaviyo_profiles WHERE shop_id = $1 AND ${inPart('customer_id')}
  ), diff AS (
    SELECT coalesce(d.customer_id, l.customer_id) AS customer_id, coalesce(d.reachable, false) AS wanted,
           d.customer_id IS NOT NULL AND NOT d.reachable AS unreachable, l.customer_id IS NOT NULL AS known, d.email,
           d.phone, d.rfm_group, d.rfm_score, d.r, d.f, d.m, d.recency_days, d.frequency, d.monetary, d.aov, d.vip_tier,
           d.segments, d.last_change, d.predicted_clv, d.churn_risk, d.hash, l.properties_hash, l.profile_id,
           -- The common cases (new to the ledger, unchanged lists) without a subquery per customer.
           CASE WHEN d.lists IS NULL OR d.lists = l.lists THEN '{}'::text[] WHEN l.lists IS NULL THEN d.lists
                ELSE ARRAY(SELECT k FROM unnest(d.lists) AS k WHERE NOT k = ANY(l.lists) ORDER BY k) END AS adds,
           CASE WHEN l.lists IS NULL OR d.lists = l.lists THEN '{}'::text[] WHEN d.lists IS NULL THEN l.lists
                ELSE ARRAY(SELECT k FROM unnest(l.lists) AS k WHERE NOT k = ANY(d.lists) ORDER BY k) END AS removes
    FROM desired d FULL JOIN ledger l ON l.customer_id = d.customer_id
    OFFSET 0
  ), planned AS (
    SELECT *, wanted AND (NOT known OR hash IS DISTINCT FROM properties_hash OR cardinality(adds) > 0) AS upsert
    FROM diff
    WHERE (wanted AND (NOT known OR hash IS DISTINCT FROM properties_hash)) OR cardinality(adds) > 0 OR cardinality(removes) > 0
       OR unreachable
  )
  SELECT customer_id, email, phone, coalesce(hash, properties_hash) AS properties_hash,
         json_build_array(${PROFILE_PROPERTIES.map((name) => PROPERTY_VALUES[name]).join(', ')})::text AS properties,
         upsert, known, unreachable, array_to_string(adds, ',') COLLATE "C" AS add_key, removes AS remove_lists, profile_id
  FROM planned
  ORDER BY add_key`;

/**
 * The "Entered Segment" events of a sync: every change of the runs after the last synced one, up to this
 * run, that enters an RFM group or a VIP tier (segment "vip_gold", previous "vip_silver" or null), for
 * reachable customers, with the RFM score of the run they entered in. Leaving sends nothing. $1 shop,
 * $2 sync id, $3 the ids of those runs (EVENT_RUNS): given as values, the planner reads the few thousand
 * changes of those runs by index; joined from segment_runs, it guessed a share of the whole history and
 * scanned all of it.
 */
export const BUILD_EVENTS = `
  INSERT INTO klaviyo_sync_events (shop_id, sync_id, run_id, run_number, as_of, customer_id, email, phone, from_group,
                                   to_group, rfm_score)
  SELECT $1, $2, r.id, r.run_number, r.as_of, c.customer_id, ${EMAIL}, ${PHONE},
         CASE WHEN c.family = 'vip' THEN 'vip_' || c.from_group ELSE c.from_group END,
         CASE WHEN c.family = 'vip' THEN 'vip_' || c.to_group ELSE c.to_group END, c.rfm_score
  FROM segment_runs r
  JOIN segment_changes c ON c.shop_id = r.shop_id AND c.run_id = r.id
  JOIN customers cu ON cu.shop_id = c.shop_id AND cu.customer_id = c.customer_id
  WHERE r.shop_id = $1 AND r.id = ANY($3::bigint[]) AND c.run_id = ANY($3::bigint[])
    AND c.to_group IS NOT NULL AND (${EMAIL} IS NOT NULL OR ${PHONE} IS NOT NULL)`;

/** The succeeded runs after the last synced one, up to this one, whose changes are sent as events. $1 shop, $2 last synced run number, $3 this run number. */
export const EVENT_RUNS = `
  SELECT id FROM segment_runs WHERE shop_id = $1 AND status = 'succeeded' AND run_number > $2 AND run_number <= $3`;

/**
 * The "Entered Segment" events of enabled saved segments: members of this run's segment who were not
 * members at the last synced run (segment "segment_<key>", previous segment null). A segment created
 * after that run had finished sends none this time: its first members are its baseline, as the first
 * sync's are (the run saves its catalogue before it finishes).
 * $1 shop, $2 sync id, $3 last synced run number, $4 this run number, $5 enabled saved segment keys.
 */
export const BUILD_SAVED_SEGMENT_EVENTS = `
  INSERT INTO klaviyo_sync_events (shop_id, sync_id, run_id, run_number, as_of, customer_id, email, phone, from_group,
                                   to_group, rfm_score)
  SELECT $1, $2, r.id, r.run_number, r.as_of, cur.customer_id, ${EMAIL}, ${PHONE}, NULL, 'segment_' || s.key, m.rfm_score
  FROM segment_runs r
  JOIN segment_runs synced ON synced.shop_id = r.shop_id AND synced.run_number = $3
  JOIN saved_segment_members cur ON cur.shop_id = r.shop_id AND cur.run_id = r.id
  CROSS JOIN LATERAL unnest(cur.segment_ids) AS entered (segment_id)
  JOIN saved_segments s ON s.shop_id = r.shop_id AND s.segment_id = entered.segment_id
  JOIN customers cu ON cu.shop_id = cur.shop_id AND cu.customer_id = cur.customer_id
  LEFT JOIN saved_segment_members before ON before.shop_id = r.shop_id AND before.run_id = synced.id
    AND before.customer_id = cur.customer_id
  LEFT JOIN segment_memberships m ON m.shop_id = r.shop_id AND m.run_id = r.id AND m.customer_id = cur.customer_id
  WHERE r.shop_id = $1 AND r.run_number = $4 AND s.key = ANY($5::text[]) AND s.created_at <= synced.finished_at
    AND NOT coalesce(entered.segment_id = ANY(before.segment_ids), false)
    AND (${EMAIL} IS NOT NULL OR ${PHONE} IS NOT NULL)`;

/**
 * A finished import job applied, in one statement so a crash leaves it either pending or applied: its
 * recorded profiles (but those Klaviyo rejected) now carry the hash they were sent with and are in the
 * job's lists; its import errors replace any recorded before; the job is no longer pending. The profiles
 * are read from the job's row, not sent again. (The errors' DELETE and INSERT see the same snapshot: the
 * DELETE removes only the earlier rows.)
 * As it stands, for a job none of whose customers the ledger held when they were planned (the whole first
 * sync): a plain insert, 45% cheaper than APPLY_IMPORT's (72 against 130 ms a job of 10,000 at a million
 * profiles). A customer written since fails it on the ledger's key, all or nothing.
 * $1 shop, $2 job id, $3 rejected customer ids (null where Klaviyo named none), $4 error codes, $5 details.
 */
export const APPLY_NEW_IMPORT = `
  WITH job AS (
    DELETE FROM klaviyo_import_jobs WHERE shop_id = $1 AND job_id = $2 RETURNING list_keys, customer_ids, hashes
  ), earlier_errors AS (
    DELETE FROM klaviyo_import_errors WHERE shop_id = $1 AND job_id = $2
  ), errors AS (
    INSERT INTO klaviyo_import_errors (shop_id, job_id, customer_id, code, detail)
    SELECT $1, $2, e.customer_id, e.code, e.detail FROM unnest($3::text[], $4::text[], $5::text[]) AS e (customer_id, code, detail)
  )
  INSERT INTO klaviyo_profiles (shop_id, customer_id, properties_hash, lists)
  SELECT $1, j.customer_id, j.hash, job.list_keys
  FROM job CROSS JOIN LATERAL unnest(job.customer_ids, job.hashes) AS j (customer_id, hash)
  WHERE NOT j.customer_id = ANY (array_remove($3::text[], NULL))`;

/** APPLY_NEW_IMPORT for any job: a profile the ledger holds keeps the lists it was in besides the job's. */
export const APPLY_IMPORT = `${APPLY_NEW_IMPORT}
  ON CONFLICT (shop_id, customer_id) DO UPDATE SET
    properties_hash = EXCLUDED.properties_hash,
    lists = ARRAY(SELECT DISTINCT k FROM unnest(klaviyo_profiles.lists || EXCLUDED.lists) AS k ORDER BY k),
    updated_at = now()`;
