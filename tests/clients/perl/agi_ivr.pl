# A classic AGI script on Perl's Asterisk::AGI (Debian's libasterisk-agi-perl): the IVR
# session the Python libraries run in tests/integration/test_agi_sim_scripts.py.
# Run by tests/integration/test_other_language_clients.py under the AGI channel simulator.
use strict;
use warnings;
use Asterisk::AGI;

my $agi = Asterisk::AGI->new;
my %env = $agi->ReadParse();
$agi->answer();
$agi->stream_file('welcome', '12');
my $digits = $agi->get_data('enter-account', 3000, 4);
$agi->set_variable('ACCOUNT', $digits);
my $back = $agi->get_variable('ACCOUNT');
die "ACCOUNT read back as '$back', set to '$digits'\n" unless $back eq $digits;
$agi->set_variable('CALLER_SEEN', $env{callerid});
$agi->say_digits($digits);
$agi->verbose("account entered", 1);
$agi->hangup();
