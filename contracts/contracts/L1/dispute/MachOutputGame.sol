// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { GameStatus, IDisputeGame } from "../../interfaces/IDisputeGame.sol";
import { IOutputVerifier } from "../../interfaces/IOutputVerifier.sol";

/// @title MachOutputGame
/// @notice Mach's dispute game: the root claim is the L2 output root of block `l2SequenceNumber()`
///         (`extraData = abi.encode(uint256 l2BlockNumber)`, as op-proposer sends it).
///
///         Lifecycle of one clone (times are L1 seconds after `createdAt`):
///         - `attest(proof)`, until `attestationWindowSeconds`: the verifier (a prover quorum today) vouches for the
///           root claim.
///         - `challenge(conflictingOutputRoot, proof)`, until `challengeWindowSeconds`, by anyone but the game's
///           creator: carries its own evidence, a verified attestation of a *different* output root for the same
///           block. It resolves the game `CHALLENGER_WINS` at once (the claim is then invalid for the portal) and
///           pays the challenger the creator's bond. A challenge without evidence does not exist.
///         - `resolve()`:
///           attested, past the challenge window and not successfully challenged → `DEFENDER_WINS`, the creator's
///           bond is returned; never attested and past the attestation window → `CHALLENGER_WINS` (the claim lapsed,
///           nothing vouches for it), the creator's bond is returned as nobody proved the claim wrong.
///         Every game can therefore be resolved by anyone once `attestationWindowSeconds` (≥ the challenge window)
///         has passed, and each resolution credits the creator's bond exactly once; payouts go through `credit` /
///         `claimCredit` (pull payments). Only an attested root can resolve `DEFENDER_WINS`.
///
///         Why challenges carry their evidence (rather than a bonded slot that evidence must later back): a slot is a
///         resource the claimant can take itself, from its own or any other address it controls, to shorten the time
///         honest challengers have and to get its own challenge bond back; several bonded slots would still let it
///         delay resolution for free. With the evidence inside the challenge there is nothing to squat: the window
///         is fixed at creation, any number of honest parties can submit, the first valid one wins, and no bond is
///         needed because an invalid challenge simply reverts. The claimant is refused outright so that it cannot
///         front-run a challenger and recover its own bond from the address it created the game with; an address it
///         controls could still do that, which costs safety nothing (the game still resolves `CHALLENGER_WINS`).
contract MachOutputGame is IDisputeGame {
    string public constant version = "2.0.0";

    uint32 internal immutable GAME_TYPE;
    address public immutable factory;
    IOutputVerifier public immutable verifier;
    uint256 public immutable l2ChainId;
    /// @notice The only account allowed to create games of this type; zero means anyone.
    address public immutable proposer;
    /// @notice Seconds after creation during which a challenge with evidence is accepted; an attested game resolves
    ///         after it.
    uint64 public immutable challengeWindowSeconds;
    /// @notice Seconds after creation during which the root claim can be attested; an unattested game lapses after
    ///         it. At least `challengeWindowSeconds`.
    uint64 public immutable attestationWindowSeconds;

    bool internal _initialized;
    GameStatus public status;
    uint64 public createdAt;
    uint64 public resolvedAt;
    uint64 public attestedAt;
    address public gameCreator;
    bytes32 public rootClaim;
    bytes32 public l1Head;
    uint256 public l2BlockNumber;
    uint256 public creatorBond;
    /// @notice Who won the game with a challenge; zero otherwise (also when the claim lapsed).
    address public challenger;
    bytes32 public conflictingOutputRoot;
    mapping(address => uint256) public credit;

    event Attested(bytes32 indexed outputRoot);
    event ChallengeSucceeded(address indexed challenger, bytes32 conflictingOutputRoot);
    event AttestationLapsed();
    event CreditClaimed(address indexed recipient, uint256 amount);

    error AlreadyInitialized();
    error NotFactory();
    error BadProposer(address creator);
    error BadExtraData();
    error BadWindows(uint64 challengeWindowSeconds, uint64 attestationWindowSeconds);
    error GameNotInProgress();
    error AlreadyAttested();
    error AttestationWindowClosed();
    error InvalidAttestation();
    error ClaimantCannotChallenge();
    error ChallengeWindowClosed();
    error SameOutputRoot();
    error NotAttested();
    error ChallengeWindowOpen();
    error NoCredit();
    error TransferFailed();

    constructor(
        uint32 _gameType,
        address _factory,
        IOutputVerifier _verifier,
        uint256 _l2ChainId,
        address _proposer,
        uint64 _challengeWindowSeconds,
        uint64 _attestationWindowSeconds
    ) {
        // Provers get at least as long as challengers: a claim cannot lapse while it may still be challenged.
        if (_attestationWindowSeconds < _challengeWindowSeconds) {
            revert BadWindows(_challengeWindowSeconds, _attestationWindowSeconds);
        }
        GAME_TYPE = _gameType;
        factory = _factory;
        verifier = _verifier;
        l2ChainId = _l2ChainId;
        proposer = _proposer;
        challengeWindowSeconds = _challengeWindowSeconds;
        attestationWindowSeconds = _attestationWindowSeconds;
        // The implementation itself is never a game.
        _initialized = true;
    }

    /// @inheritdoc IDisputeGame
    function initialize(address _creator, bytes32 _rootClaim, bytes32 _l1Head, bytes calldata _extraData)
        external
        payable
    {
        if (_initialized) revert AlreadyInitialized();
        if (msg.sender != factory) revert NotFactory();
        if (proposer != address(0) && _creator != proposer) revert BadProposer(_creator);
        if (_extraData.length != 32) revert BadExtraData();
        _initialized = true;
        gameCreator = _creator;
        rootClaim = _rootClaim;
        l1Head = _l1Head;
        l2BlockNumber = abi.decode(_extraData, (uint256));
        createdAt = uint64(block.timestamp);
        creatorBond = msg.value;
    }

    /// @notice Records that the verifier accepts the root claim (e.g. a quorum of prover signatures).
    function attest(bytes calldata _proof) external {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (attestedAt != 0) revert AlreadyAttested();
        if (block.timestamp > createdAt + attestationWindowSeconds) revert AttestationWindowClosed();
        if (!verifier.verifyOutput(l2ChainId, l2BlockNumber, rootClaim, _proof)) revert InvalidAttestation();
        attestedAt = uint64(block.timestamp);
        emit Attested(rootClaim);
    }

    /// @notice Proves the root claim wrong with a verified attestation of another output root for the same block:
    ///         the game resolves `CHALLENGER_WINS` and the caller is credited the creator's bond.
    function challenge(bytes32 _conflictingOutputRoot, bytes calldata _proof) external {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (msg.sender == gameCreator) revert ClaimantCannotChallenge();
        if (block.timestamp > createdAt + challengeWindowSeconds) revert ChallengeWindowClosed();
        if (_conflictingOutputRoot == rootClaim) revert SameOutputRoot();
        if (!verifier.verifyOutput(l2ChainId, l2BlockNumber, _conflictingOutputRoot, _proof)) {
            revert InvalidAttestation();
        }
        challenger = msg.sender;
        conflictingOutputRoot = _conflictingOutputRoot;
        _resolveAs(GameStatus.CHALLENGER_WINS, msg.sender);
        emit ChallengeSucceeded(msg.sender, _conflictingOutputRoot);
    }

    /// @inheritdoc IDisputeGame
    function resolve() external returns (GameStatus status_) {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (attestedAt != 0) {
            if (block.timestamp <= createdAt + challengeWindowSeconds) revert ChallengeWindowOpen();
            status_ = GameStatus.DEFENDER_WINS;
        } else {
            if (block.timestamp <= createdAt + attestationWindowSeconds) revert NotAttested();
            status_ = GameStatus.CHALLENGER_WINS;
            emit AttestationLapsed();
        }
        _resolveAs(status_, gameCreator);
    }

    /// @notice Pays out the bonds credited to `_recipient` (anyone may trigger it; the ETH goes to `_recipient`).
    function claimCredit(address _recipient) external {
        uint256 amount = credit[_recipient];
        if (amount == 0) revert NoCredit();
        credit[_recipient] = 0;
        (bool success,) = _recipient.call{ value: amount }("");
        if (!success) revert TransferFailed();
        emit CreditClaimed(_recipient, amount);
    }

    function gameType() external view returns (uint32) {
        return GAME_TYPE;
    }

    function l2SequenceNumber() external view returns (uint256) {
        return l2BlockNumber;
    }

    function extraData() public view returns (bytes memory) {
        return abi.encode(l2BlockNumber);
    }

    function gameData() external view returns (uint32 gameType_, bytes32 rootClaim_, bytes memory extraData_) {
        return (GAME_TYPE, rootClaim, extraData());
    }

    /// @dev The one place a game leaves IN_PROGRESS: the creator's bond goes to exactly one account, once.
    function _resolveAs(GameStatus _status, address _bondRecipient) internal {
        status = _status;
        resolvedAt = uint64(block.timestamp);
        credit[_bondRecipient] += creatorBond;
        emit Resolved(_status);
    }
}
