# frozen_string_literal: true

# ActiveRecord corpus generator: a Rails-style blog on SQLite, traced the way the Ruby OpenTelemetry
# instrumentations trace a Rails app.
#
# The SQL is real: every statement comes from ActiveSupport::Notifications "sql.active_record" (name, SQL,
# start and finish), as ActiveRecord sent it to the sqlite3 adapter. Query-cache hits (payload[:cached]) never
# reach the database, so they get no client span, as with a real client instrumentation.
#
# Span shapes:
#   - OpenTelemetry::Instrumentation::Rack + ActionPack: SERVER span "GET /posts(.:format)" with http.route,
#     code.namespace / code.function (controller, action) and old HTTP conventions.
#   - OpenTelemetry::Instrumentation::ActiveRecord: INTERNAL wrapper spans from its prepended patches, installed
#     here for real: "<Model> query" around find_by_sql (patches/querying.rb, name as in the releases that
#     supported ActiveRecord 6.1), "<Model>.create" (persistence_class_methods.rb), "<Model>#update" and
#     "<Model>#save" (persistence.rb, validations.rb).
#   - Database client spans: Ruby has no SQLite client instrumentation, so they take the shape of
#     OpenTelemetry::Instrumentation::PG with stable conventions (patches/stable/connection.rb): CLIENT,
#     named "<OPERATION> <db>", db.system.name, db.namespace, db.query.text, db.operation.name; errors set
#     status ERROR and error.type. The scope is named OpenTelemetry::Instrumentation::SQLite3 (no such upstream
#     gem; see corpus/README.md).
#
# Run: ruby activerecord_gen.rb [corpus dir]   (Debian: apt-get install ruby-activerecord ruby-sqlite3)

require 'json'
require 'fileutils'
require 'tmpdir'
require 'active_record'
require 'sqlite3'

OUT = File.expand_path(ARGV[0] || File.join(__dir__, '..', '..'))
WORKDIR = Dir.mktmpdir('n1-activerecord-')
DB_PATH = File.join(WORKDIR, 'blog_production.sqlite3')
DB_NAME = 'blog_production'

# ---- a tiny tracer: ids, current-span stack, OTLP/JSON (the SDK's part) ----
class MiniSpan
  attr_accessor :trace_id, :span_id, :parent_id, :name, :kind, :scope, :attrs, :start_ns, :end_ns, :status

  def to_otlp
    out = {
      traceId: trace_id, spanId: span_id, name: name, kind: kind,
      startTimeUnixNano: start_ns.to_s, endTimeUnixNano: end_ns.to_s,
      attributes: attrs.compact.map { |k, v| { key: k, value: MiniTracer.value(v) } }
    }
    out[:status] = status if status
    out[:parentSpanId] = parent_id if parent_id
    out
  end
end

class MiniTracer
  SERVER = 2
  CLIENT = 3
  INTERNAL = 1
  attr_accessor :finished

  def self.value(v)
    case v
    when true, false then { boolValue: v }
    when Integer then { intValue: v.to_s }
    when Float then { doubleValue: v }
    else { stringValue: v.to_s }
    end
  end

  def initialize(resource, scopes, seed)
    @resource = resource
    @scopes = scopes
    @rng = Random.new(seed)
    @stack = []
    @finished = []
  end

  def hex(bytes) = format("%0#{bytes * 2}x", @rng.rand(2**(bytes * 8)))
  def now_ns = Process.clock_gettime(Process::CLOCK_REALTIME, :nanosecond)
  def current = @stack.last

  def start(name, kind, scope, attrs = {}, start_ns: nil, activate: true)
    parent = current
    s = MiniSpan.new
    s.trace_id = parent ? parent.trace_id : hex(16)
    s.span_id = hex(8)
    s.parent_id = parent&.span_id
    s.name = name
    s.kind = kind
    s.scope = scope
    s.attrs = attrs
    s.start_ns = start_ns || now_ns
    @stack.push(s) if activate
    s
  end

  def finish(span, end_ns: nil)
    span.end_ns = end_ns || now_ns
    @stack.pop if @stack.last.equal?(span)
    @finished << span
  end

  def in_span(name, kind, scope, attrs = {})
    s = start(name, kind, scope, attrs)
    begin
      yield s
    rescue StandardError => e
      s.status = { code: 2, message: "Unhandled exception of type: #{e.class}" }
      raise
    ensure
      finish(s)
    end
  end

  def export_requests(spans, batch_size)
    spans.each_slice(batch_size).map do |batch|
      scope_spans = batch.group_by(&:scope).map do |key, items|
        name, version = @scopes.fetch(key)
        { scope: { name: name, version: version }, spans: items.map(&:to_otlp) }
      end
      resource = { attributes: @resource.map { |k, v| { key: k, value: MiniTracer.value(v) } } }
      { resourceSpans: [{ resource: resource, scopeSpans: scope_spans }] }
    end
  end
end

TRACER = MiniTracer.new(
  {
    'service.name' => 'blog-rails', 'service.version' => '3f9c2e1', 'deployment.environment' => 'production',
    'telemetry.sdk.language' => 'ruby', 'telemetry.sdk.name' => 'opentelemetry', 'telemetry.sdk.version' => '1.5.0',
    'process.runtime.name' => 'ruby', 'process.runtime.version' => RUBY_VERSION
  },
  {
    rack: ['OpenTelemetry::Instrumentation::Rack', '0.24.6'],
    ar: ['OpenTelemetry::Instrumentation::ActiveRecord', '0.7.4'],
    db: ['OpenTelemetry::Instrumentation::SQLite3', '0.1.0']
  },
  20_461
)
$recording = false
$captured = []

# ---- database, schema, seed ----
ActiveRecord::Base.establish_connection(adapter: 'sqlite3', database: DB_PATH, timeout: 0)
ActiveRecord::Schema.verbose = false
ActiveRecord::Schema.define do
  create_table(:authors) { |t| t.string :name, null: false; t.string :email, null: false }
  create_table(:tags) { |t| t.string :name, null: false }
  create_table(:posts) do |t|
    t.references :author, null: false
    t.string :title, null: false
    t.text :body, null: false
    t.integer :view_count, null: false, default: 0
  end
  create_table(:comments) { |t| t.references :post, null: false; t.references :author, null: false; t.text :body }
  create_table(:post_tags) { |t| t.references :post, null: false; t.references :tag, null: false }
end

class ApplicationRecord < ActiveRecord::Base
  self.abstract_class = true
end

class Author < ApplicationRecord; end
class Tag < ApplicationRecord; end

class Post < ApplicationRecord
  belongs_to :author
  has_many :comments, -> { order(:id) }
  has_many :post_tags
end

class Comment < ApplicationRecord
  belongs_to :post
  belongs_to :author
end

class PostTag < ApplicationRecord
  belongs_to :post
  belongs_to :tag
end

rng = Random.new(5)
Author.insert_all((1..120).map { |i| { id: i, name: "Author #{i}", email: "a#{i}@example.org" } })
Tag.insert_all((1..10).map { |i| { id: i, name: "tag#{i}" } })
Post.insert_all((1..150).map { |i| { id: i, author_id: ((i - 1) % 120) + 1, title: "Post #{i}", body: '...', view_count: 0 } })
comments = []
(1..150).each { |i| (2 + (i % 4)).times { comments << { post_id: i, author_id: rng.rand(1..120), body: 'Nice post' } } }
Comment.insert_all(comments)
[Author, Tag, Post, Comment, PostTag].each { |m| m.columns && m.first } # load schema before recording

# ---- the ActiveRecord instrumentation's patches, for real ----
module OtelQuerying
  def find_by_sql(*args, **kwargs, &block)
    return super unless $recording

    TRACER.in_span("#{self} query", MiniTracer::INTERNAL, :ar) { super }
  end
end

module OtelPersistenceClassMethods
  def create(attributes = nil, &block)
    return super unless $recording

    TRACER.in_span("#{self}.create", MiniTracer::INTERNAL, :ar) { super }
  end
end

module OtelPersistence
  def update(*args, **kwargs)
    return super unless $recording

    TRACER.in_span("#{self.class}#update", MiniTracer::INTERNAL, :ar) { super }
  end

  def save(*args, **kwargs, &block)
    return super unless $recording

    TRACER.in_span("#{self.class}#save", MiniTracer::INTERNAL, :ar) { super }
  end
end

ActiveRecord::Base.singleton_class.prepend(OtelQuerying)
ActiveRecord::Base.singleton_class.prepend(OtelPersistenceClassMethods)
ActiveRecord::Base.prepend(OtelPersistence)

# ---- client spans from the SQL ActiveRecord really sent ----
SQL_COMMANDS = %w[SELECT INSERT UPDATE DELETE BEGIN COMMIT ROLLBACK SAVEPOINT RELEASE PRAGMA].freeze

ActiveSupport::Notifications.subscribe('sql.active_record') do |_name, started, finished, _id, payload|
  next unless $recording
  next if payload[:cached] # served by the query cache: no database call

  sql = payload[:sql]
  op = sql.sub(%r{\A/\*.*?\*/}m, '').split.first.to_s.upcase
  op = nil unless SQL_COMMANDS.include?(op)
  attrs = {
    'db.system.name' => 'sqlite', 'db.namespace' => DB_NAME, 'db.operation.name' => op, 'db.query.text' => sql
  }
  span = TRACER.start([op, DB_NAME].compact.join(' '), MiniTracer::CLIENT, :db, attrs,
                      start_ns: (started.to_r * 1_000_000_000).to_i, activate: false)
  if (e = payload[:exception_object])
    span.attrs['error.type'] = e.class.name
    span.status = { code: 2, message: e.message }
  end
  TRACER.finish(span, end_ns: (finished.to_r * 1_000_000_000).to_i)
  $captured << [span.trace_id, sql]
end

def request(method, route, controller, action, target)
  attrs = {
    'http.method' => method, 'http.host' => 'blog.example.com', 'http.scheme' => 'https', 'http.target' => target,
    'http.user_agent' => 'Mozilla/5.0', 'http.route' => route, 'code.namespace' => controller,
    'code.function' => action
  }
  $recording = true
  root = TRACER.start("#{method} #{route}", MiniTracer::SERVER, :rack, attrs)
  begin
    # Rails enables the query cache around every request (ActiveRecord::QueryCache executor hooks).
    ActiveRecord::Base.cache { yield }
    root.attrs['http.status_code'] = 200
  ensure
    TRACER.finish(root)
    $recording = false
  end
  root.trace_id
end

def norm(sql) = sql.downcase.split.join(' ')

def repeats_of(trace_id, contains)
  needle = norm(contains)
  $captured.count { |t, s| t == trace_id && norm(s).include?(needle) }
end

# ---- corpus files ----
CORPUS_DIR = File.join(OUT, 'activerecord')
FileUtils.mkdir_p(CORPUS_DIR)
Dir.glob(File.join(CORPUS_DIR, '*.jsonl')).each { |f| File.delete(f) }
LABELS = []

def expect_finding(contains, kind, repeats, source = nil)
  e = { 'statementContains' => contains, 'kind' => kind, 'repeats' => repeats }
  e['sourceContains'] = source if source
  e
end

# runs: [description, method, route, controller, action, target, proc]; expected_of: ->(trace_id) { [...] }
def scenario(name, runs, expected_of)
  traces = runs.map do |description, method, route, controller, action, target, body|
    tid = request(method, route, controller, action, target, &body)
    expected = expected_of.call(tid)
    expected.each do |e|
      raise "#{name}: #{description}: only #{e['repeats']} x #{e['statementContains']}" if e['repeats'] < 5
    end
    [tid, description, expected]
  end
  lines = TRACER.export_requests(TRACER.finished, 48).map { |r| JSON.generate(r) }
  TRACER.finished = []
  file = "#{name}.jsonl"
  File.write(File.join(CORPUS_DIR, file), "#{lines.join("\n")}\n")
  traces.each do |tid, description, expected|
    LABELS << { file: file, scenario: name, traceId: tid, description: description, expected: expected }
  end
end

A = 'FROM "authors" WHERE "authors"."id" = ?'
C = 'FROM "comments" WHERE "comments"."post_id" = ?'
P = 'FROM "posts" WHERE "posts"."id" = ?'
SRC = 'FROM "posts"'
NONE = ->(_tid) { [] }
def one(contains, kind = 'n_plus_one', source = nil)
  ->(tid) { [expect_finding(contains, kind, repeats_of(tid, contains), source)] }
end

def index_runs(counts, what = 'posts', &body)
  counts.map do |n|
    ["#{what}, #{n} rows", 'GET', '/posts(.:format)', 'PostsController', 'index', "/posts?limit=#{n}", -> { body.call(n) }]
  end
end

scenario('p_many_to_one', index_runs([5, 12, 30]) { |n| Post.order(:id).limit(n).each { |p| p.author.name } },
         one(A, 'n_plus_one', SRC))
scenario('p_one_to_many', index_runs([6, 10, 16]) { |n| Post.order(:id).limit(n).each { |p| p.comments.to_a } },
         one(C, 'n_plus_one', SRC))
scenario('p_nested', index_runs([3, 5, 7], 'thread view') { |n|
  Post.order(:id).limit(n).each { |p| p.comments.each { |c| c.author.name } }
}, lambda { |tid|
  # one finding for the whole 1+N+N² (the fix is one change): the inner loop, author per comment, whose chain
  # holds the outer levels (Finding.chain); the comments-per-post loop is not a finding of its own
  [expect_finding(A, 'n_plus_one', repeats_of(tid, A), C).merge('chainContains' => [SRC, C])]
})
# (d) every load is wrapped: "Author query" > client span (the ActiveRecord instrumentation's own shape)
scenario('p_wrapped_per_item', [[5, 8, 15]].flatten.map { |n|
  ["post cards for #{n} authors, find_by each", 'GET', '/cards(.:format)', 'CardsController', 'index', '/cards',
   -> { (1..n).each { |i| Author.find_by(id: i * 3)&.name } }]
}, one(A))
scenario('p_ids_no_source', [[9, 4, 17, 2, 30], (100..110).to_a, (31..45).to_a].map { |ids|
  ["#{ids.size} ids from params", 'GET', '/posts/batch(.:format)', 'PostsController', 'batch', '/posts/batch?ids=...',
   -> { ids.each { |id| Post.find(id).title } }]
}, one(P))
scenario('p_count_per_row', index_runs([5, 9, 15], 'posts with comment counts') { |n|
  Post.order(:id).limit(n).each { |p| p.comments.count }
}, one('SELECT COUNT(*) FROM "comments"', 'n_plus_one', SRC))
scenario('p_insert_per_row', [(1..5).to_a, (1..8).to_a, (1..16).to_a].map { |ids|
  ["tag #{ids.size} posts, create each", 'POST', '/tags/:tag_id/posts(.:format)', 'TagPostsController', 'create',
   '/tags/3/posts', lambda {
     ids.each { |id| PostTag.create(post_id: id, tag_id: 3) }
     PostTag.where(tag_id: 3).delete_all
   }]
}, one('INSERT INTO "post_tags"', 'repeated_write'))
scenario('p_update_per_row', [5, 11, 16].map { |n|
  ["bump #{n} view counts, update each", 'POST', '/posts/views(.:format)', 'PostViewsController', 'create',
   '/posts/views', -> { Post.order(:id).limit(n).each { |p| p.update(view_count: p.view_count + 1) } }]
}, one('UPDATE "posts" SET "view_count"', 'repeated_write'))

scenario('f_many_to_one', index_runs([5, 12, 30], 'posts includes(:author)') { |n|
  Post.includes(:author).order(:id).limit(n).each { |p| p.author.name }
}, NONE)
scenario('f_one_to_many', index_runs([6, 10, 16], 'posts includes(:comments)') { |n|
  Post.includes(:comments).order(:id).limit(n).each { |p| p.comments.to_a }
}, NONE)
scenario('f_nested', index_runs([3, 5, 7], 'thread view, includes(comments: :author)') { |n|
  Post.includes(comments: :author).order(:id).limit(n).each { |p| p.comments.each { |c| c.author.name } }
}, NONE)
scenario('f_ids_no_source', [[9, 4, 17, 2, 30], (100..110).to_a].map { |ids|
  ["#{ids.size} ids, where(id: ids)", 'GET', '/posts/batch(.:format)', 'PostsController', 'batch',
   '/posts/batch?ids=...', -> { Post.where(id: ids).to_a }]
}, NONE)
scenario('f_count_per_row', index_runs([5, 9, 15], 'posts with counts, left_joins + group') { |n|
  Post.left_joins(:comments).group(:id).select('posts.*, COUNT(comments.id) AS comments_count').order(:id).limit(n).to_a
}, NONE)
scenario('f_insert_per_row', [(1..5).to_a, (1..16).to_a].map { |ids|
  ["tag #{ids.size} posts, insert_all", 'POST', '/tags/:tag_id/posts(.:format)', 'TagPostsController', 'create',
   '/tags/3/posts', lambda {
     PostTag.insert_all(ids.map { |id| { post_id: id, tag_id: 3 } })
     PostTag.where(tag_id: 3).delete_all
   }]
}, NONE)
scenario('f_update_per_row', [5, 16].map { |n|
  ["bump #{n} view counts, update_all", 'POST', '/posts/views(.:format)', 'PostViewsController', 'create',
   '/posts/views', -> { Post.where(id: Post.order(:id).limit(n).pluck(:id)).update_all('view_count = view_count + 1') }]
}, NONE)
scenario('n_under_threshold', index_runs([3, 4, 4], 'posts, few rows') { |n|
  Post.order(:id).limit(n).each { |p| p.author.name }
}, NONE)
scenario('n_pagination', [
  ['export, 6 pages by offset', 6, :offset], ['export, 7 pages by offset', 7, :offset],
  ['export, find_each(batch_size: 20) over 120 posts', 6, :find_each]
].map { |description, pages, how|
  [description, 'GET', '/export(.:format)', 'ExportsController', 'show', '/export', lambda {
    if how == :offset
      pages.times { |page| Post.order(:id).limit(20).offset(page * 20).to_a }
    else
      Post.where('id <= 120').find_each(batch_size: 20) { |p| p.title }
    end
  }]
}, NONE)
scenario('n_retry', [2, 4, 5].map { |failures|
  ["read retried after #{failures} 'database is locked' errors", 'GET', '/posts/:id(.:format)', 'PostsController',
   'show', '/posts/1', lambda {
     locker = SQLite3::Database.new(DB_PATH)
     locker.execute('BEGIN EXCLUSIVE')
     (failures + 1).times do |attempt|
       locker.execute('COMMIT') if attempt == failures
       begin
         Post.uncached { Post.find(1) }
         break
       rescue ActiveRecord::StatementInvalid
         sleep(0.001 * (2**attempt))
       end
     end
     locker.close
   }]
}, NONE)
scenario('n_cached', [12, 25].map { |n|
  ["#{n} posts by 3 authors, repeats served by the query cache", 'GET', '/posts(.:format)', 'PostsController', 'index',
   "/posts?limit=#{n}", -> { Post.where(author_id: [1, 2, 3]).order(:id).limit(n).each { |p| p.author.name } }]
}, NONE)
scenario('n_stream', [40, 100].map { |n|
  ["stream #{n} posts with in_batches(of: 100)", 'GET', '/feed(.:format)', 'FeedsController', 'show', '/feed.xml',
   -> { Post.where("id <= #{n}").find_each(batch_size: 100) { |p| p.title } }]
}, NONE)
scenario('n_many_distinct', Array.new(2) {
  ['dashboard, many distinct queries', 'GET', '/admin(.:format)', 'Admin::DashboardController', 'show', '/admin', lambda {
    Author.count
    Post.count
    Comment.count
    Post.order(id: :desc).limit(5).to_a
    Author.order(:name).limit(10).to_a
    Comment.order(id: :desc).limit(10).to_a
    Tag.all.to_a
    Post.maximum(:view_count)
    Post.group(:author_id).limit(5).count
  }]
}, NONE)

labels = {
  orm: 'activerecord',
  stack: 'Rails-style ActiveRecord on SQLite (sqlite3 gem)',
  versions: { activerecord: ActiveRecord::VERSION::STRING, ruby: RUBY_VERSION, sqlite3_gem: SQLite3::VERSION,
              sqlite: SQLite3::SQLITE_VERSION },
  instrumentation: 'opentelemetry-instrumentation-rack/-action_pack/-active_record; client spans shaped as ' \
                   'opentelemetry-instrumentation-pg (stable semantic conventions)',
  traces: LABELS
}
File.write(File.join(CORPUS_DIR, 'labels.json'), "#{JSON.pretty_generate(labels)}\n")
positives = LABELS.count { |t| !t[:expected].empty? }
puts "activerecord: #{LABELS.size} traces (#{positives} with expected findings) -> #{CORPUS_DIR}"
