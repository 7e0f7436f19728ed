# Drives Perl's Asterisk::Manager (Debian's libasterisk-agi-perl, asterisk-perl 1.08) through
# one AMI session and prints, as one JSON line, what the library returned for each action.
# Usage: perl ami_flow.pl PORT USER SECRET
# Run by tests/integration/test_other_language_clients.py against the fake AMI server.
# The library logs in with an MD5 challenge, writes each action's headers in Perl's hash
# order (so "Action:" is often not the first line) and reads one block per action: the user
# must have no read classes, or an event would be taken for the next action's response.
use strict;
use warnings;
use Asterisk::Manager;
use JSON::PP;

my ($port, $user, $secret) = @ARGV;
my $astman = Asterisk::Manager->new;
$astman->user($user);
$astman->secret($secret);
$astman->host('127.0.0.1');
$astman->port($port);
$astman->connect or die 'connect failed: ' . ($astman->error // 'no reason') . "\n";

my %out;
$out{ping} = {$astman->sendcommand(Action => 'Ping')};
# want = 2: the response's lines as they are (a Command's Output lines included).
$out{command} = [$astman->sendcommand(Action => 'Command', Command => 'core show version', 2)];
$out{setvar} = {$astman->sendcommand(Action => 'Setvar', Variable => 'PERL', Value => 'camel')};
$out{getvar} = {$astman->sendcommand(Action => 'Getvar', Variable => 'PERL')};
$out{originate} = {$astman->sendcommand(Action => 'Originate', Channel => 'Local/s@longcall',
                                        Application => 'Wait', Data => '1',
                                        CallerID => '"Perl" <559>')};
$out{dbput} = {$astman->sendcommand(Action => 'DBPut', Family => 'perl', Key => 'k',
                                    Val => 'v')};
# DBGet answers with a list: the response, then its events, written to this session whatever
# its read classes (as Asterisk does); the library reads them with read_response().
$out{dbget} = {$astman->sendcommand(Action => 'DBGet', Family => 'perl', Key => 'k')};
$out{dbget_item} = {map { Asterisk::Manager::splitresult($_) } $astman->read_response};
$out{dbget_complete} = {map { Asterisk::Manager::splitresult($_) } $astman->read_response};
$out{unknown} = {$astman->sendcommand(Action => 'NoSuchAction')};
$out{logoff} = {$astman->sendcommand(Action => 'Logoff')};
print JSON::PP->new->canonical->encode(\%out), "\n";
