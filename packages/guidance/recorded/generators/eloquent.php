<?php
// Records the SQL Laravel Eloquent really sends for the N+1 scenarios and their fixes.
// Debian: apt-get install php-cli php-sqlite3 php-illuminate-database php-illuminate-events
// Run:    php packages/guidance/recorded/generators/eloquent.php > packages/guidance/recorded/eloquent.json

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once '/usr/share/php/Illuminate/Events/autoload.php';

use Illuminate\Database\Capsule\Manager as Capsule;
use Illuminate\Database\Eloquent\Model;
use Illuminate\Database\Events\QueryExecuted;
use Illuminate\Events\Dispatcher;
use Illuminate\Container\Container;

$capsule = new Capsule();
$capsule->addConnection(['driver' => 'sqlite', 'database' => ':memory:', 'prefix' => '']);
$capsule->setEventDispatcher(new Dispatcher(new Container()));
$capsule->setAsGlobal();
$capsule->bootEloquent();

class Author extends Model
{
    protected $guarded = [];
    public function posts() { return $this->hasMany(Post::class); }
}
class Post extends Model
{
    protected $guarded = [];
    public function author() { return $this->belongsTo(Author::class); }
    public function comments() { return $this->hasMany(Comment::class); }
}
class Comment extends Model
{
    protected $guarded = [];
    public function post() { return $this->belongsTo(Post::class); }
    public function author() { return $this->belongsTo(Author::class); }
}

$schema = Capsule::schema();
$schema->create('authors', function ($t) { $t->increments('id'); $t->string('name'); $t->timestamps(); });
$schema->create('posts', function ($t) {
    $t->increments('id'); $t->integer('author_id'); $t->string('title'); $t->timestamps();
});
$schema->create('comments', function ($t) {
    $t->increments('id'); $t->integer('post_id'); $t->integer('author_id'); $t->string('body'); $t->timestamps();
});

// Seed: 3 authors, 5 posts, 2 comments per post.
for ($a = 1; $a <= 3; $a++) Author::create(['name' => "author $a"]);
for ($p = 1; $p <= 5; $p++) {
    $post = Post::create(['author_id' => ($p % 3) + 1, 'title' => "post $p"]);
    for ($c = 1; $c <= 2; $c++) Comment::create(['post_id' => $post->id, 'author_id' => $c, 'body' => "comment $c"]);
}

$log = [];
Capsule::connection()->listen(function (QueryExecuted $q) use (&$log) { $log[] = $q->sql; });

/** Runs $fn and returns the SQL it sent, exactly as Laravel passed it to PDO. */
function capture(callable $fn): array
{
    global $log;
    $log = [];
    $fn();
    return $log;
}

/** The most repeated statement of a run and how often it ran. */
function mostRepeated(array $sqls): array
{
    $counts = array_count_values($sqls);
    arsort($counts);
    return [array_key_first($counts), reset($counts)];
}

$scenarios = [];
function scenario(string $name, string $kind, callable $n1, ?callable $fix, array $expected, bool $withSource = true, bool $chain = false): array
{
    $sqls = capture($n1);
    [$statement, $repeats] = mostRepeated($sqls);
    $distinct = array_values(array_unique($sqls));
    // The query whose rows drive the loop: the first one, or for a nested loop the level just above.
    $above = $chain ? $distinct[array_search($statement, $distinct, true) - 1] : $distinct[0];
    $source = $withSource && $above !== $statement ? $above : null;
    $out = [
        'name' => $name,
        'kind' => $kind,
        'sourceStatement' => $source,
        'statement' => $statement,
        'repeats' => $repeats,
    ];
    if ($chain) $out['chain'] = $distinct;
    $out['recorded'] = $sqls;
    $out['fixStatements'] = $fix ? capture($fix) : null;
    $out['expected'] = $expected;
    return $out;
}

$scenarios[] = scenario('many_to_one', 'n_plus_one',
    function () { foreach (Post::all() as $post) { $post->author->name; } },
    function () { foreach (Post::with('author')->get() as $post) { $post->author->name; } },
    ['orm' => 'laravel', 'strategy' => 'eager-many-to-one', 'snippetContains' => ["Post::with('author')"]]);

$scenarios[] = scenario('one_to_many', 'n_plus_one',
    function () { foreach (Post::all() as $post) { foreach ($post->comments as $c) { $c->body; } } },
    function () { foreach (Post::with('comments')->get() as $post) { foreach ($post->comments as $c) { $c->body; } } },
    ['orm' => 'laravel', 'strategy' => 'eager-one-to-many', 'snippetContains' => ["Post::with('comments')"]]);

$scenarios[] = scenario('nested', 'n_plus_one',
    function () { foreach (Post::all() as $post) { foreach ($post->comments as $c) { $c->author->name; } } },
    function () { foreach (Post::with('comments.author')->get() as $post) { foreach ($post->comments as $c) { $c->author->name; } } },
    ['orm' => 'laravel', 'strategy' => 'chained', 'snippetContains' => ["with('comments.author')"]], true, true);

$scenarios[] = scenario('count_per_row', 'n_plus_one',
    function () { foreach (Post::all() as $post) { $post->comments()->count(); } },
    function () { foreach (Post::withCount('comments')->get() as $post) { $post->comments_count; } },
    ['orm' => 'laravel', 'strategy' => 'aggregate', 'snippetContains' => ["withCount('comments')", 'comments_count']]);

$scenarios[] = scenario('insert_per_row', 'repeated_write',
    function () { for ($i = 0; $i < 5; $i++) { Comment::create(['post_id' => 1, 'author_id' => 1, 'body' => "bulk $i"]); } },
    function () {
        $rows = [];
        for ($i = 0; $i < 5; $i++) $rows[] = ['post_id' => 1, 'author_id' => 1, 'body' => "bulk $i"];
        Comment::insert($rows);
    },
    ['orm' => 'laravel', 'strategy' => 'bulk-write', 'snippetContains' => ['Comment::insert(']], false);

$scenarios[] = scenario('update_per_row', 'repeated_write',
    function () { foreach (Post::all() as $post) { $post->title = $post->title . '!'; $post->save(); } },
    function () { Post::whereIn('id', [1, 2, 3, 4, 5])->update(['title' => 'same']); },
    ['orm' => 'laravel', 'strategy' => 'bulk-write', 'snippetContains' => ["Post::whereIn('id'", '->update(']], false);

$scenarios[] = scenario('find_per_id', 'n_plus_one',
    function () { foreach ([1, 2, 3, 1, 2] as $id) { Author::find($id); } },
    function () { Author::findMany([1, 2, 3]); },
    ['orm' => 'laravel', 'strategy' => 'batch-ids', 'snippetContains' => ['Author::']], false);

$version = trim((string) shell_exec("dpkg-query -W -f='\${Version}' php-illuminate-database 2>/dev/null"));
echo json_encode([
    'orm' => 'laravel',
    'package' => 'php-illuminate-database',
    'version' => $version,
    'generator' => 'recorded/generators/eloquent.php',
    'sdkLanguage' => 'php',
    'scopeName' => 'io.opentelemetry.contrib.php.laravel',
    'dbSystem' => 'sqlite',
    'scenarios' => $scenarios,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
